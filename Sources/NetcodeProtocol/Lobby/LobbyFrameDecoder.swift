import NIOCore

/// Limits and constants of the TCP lobby framing.
public enum LobbyFraming {
    /// Bytes of the length prefix in front of every frame.
    public static let lengthPrefixSize = 4
    /// Default hard maximum of a frame's payload (64 KiB). A frame announcing more is refused before any
    /// of its payload is buffered.
    public static let defaultMaximumFrameSize = 65_536
}

/// Errors of the TCP framing layer. Each one ends the connection: the stream can't be trusted afterwards.
public enum LobbyFrameError: Error, Equatable, CustomStringConvertible {
    /// The length prefix announced more than the maximum frame size.
    case frameTooLarge(announced: Int, maximum: Int)
    /// A frame of length zero: every frame carries at least a message type byte.
    case emptyFrame

    public var description: String {
        switch self {
        case .frameTooLarge(let announced, let maximum):
            return "frame of \(announced) bytes exceeds the maximum of \(maximum) bytes"
        case .emptyFrame:
            return "empty frame: every frame carries at least a message type byte"
        }
    }
}

/// Splits a TCP byte stream into frames: a 4-byte big-endian length, then that many payload bytes.
///
/// The announced length is checked against `maximumFrameSize` as soon as the 4 prefix bytes are in, so an
/// oversized frame costs no memory beyond what the socket already read.
public struct LobbyFrameDecoder: ByteToMessageDecoder, Sendable {
    public typealias InboundOut = ByteBuffer

    public let maximumFrameSize: Int

    public init(maximumFrameSize: Int = LobbyFraming.defaultMaximumFrameSize) {
        self.maximumFrameSize = maximumFrameSize
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try self.nextFrame(from: &buffer) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    public mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws -> DecodingState {
        try self.decode(context: context, buffer: &buffer)
    }

    /// The framing rule on its own, for callers that read a stream without a channel pipeline.
    public func nextFrame(from buffer: inout ByteBuffer) throws -> ByteBuffer? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return nil }
        guard length > 0 else { throw LobbyFrameError.emptyFrame }
        guard length <= self.maximumFrameSize else {
            throw LobbyFrameError.frameTooLarge(announced: Int(length), maximum: self.maximumFrameSize)
        }
        guard buffer.readableBytes >= LobbyFraming.lengthPrefixSize + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: LobbyFraming.lengthPrefixSize)
        return buffer.readSlice(length: Int(length))
    }
}

/// Prefixes each outbound payload with its 4-byte big-endian length.
public struct LobbyFrameEncoder: MessageToByteEncoder, Sendable {
    public typealias OutboundIn = ByteBuffer

    public init() {}

    public func encode(data: ByteBuffer, out: inout ByteBuffer) throws {
        out.reserveCapacity(minimumWritableBytes: LobbyFraming.lengthPrefixSize + data.readableBytes)
        out.writeInteger(UInt32(data.readableBytes))
        out.writeImmutableBuffer(data)
    }
}
