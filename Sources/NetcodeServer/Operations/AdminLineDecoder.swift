import NIOCore

/// Splits the admin socket's byte stream into lines (without the newline). A line longer than
/// ``maximumLength`` ends the connection: requests are a few dozen bytes.
struct AdminLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer
    static let maximumLength = 64 * 1024

    struct LineTooLong: Error, CustomStringConvertible {
        var description: String { "an admin request line is longer than \(AdminLineDecoder.maximumLength) bytes" }
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > Self.maximumLength { throw LineTooLong() }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex
        var line = buffer.readSlice(length: length)!
        buffer.moveReaderIndex(forwardBy: 1)
        if line.readableBytes > 0, line.getInteger(at: line.readerIndex + line.readableBytes - 1, as: UInt8.self) == UInt8(ascii: "\r") {
            line = line.getSlice(at: line.readerIndex, length: line.readableBytes - 1)!
        }
        context.fireChannelRead(Self.wrapInboundOut(line))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // A last request without its newline still counts.
        if buffer.readableBytes > 0, try self.decode(context: context, buffer: &buffer) == .needMoreData {
            let line = buffer.readSlice(length: buffer.readableBytes)!
            context.fireChannelRead(Self.wrapInboundOut(line))
        }
        return .needMoreData
    }
}
