import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing
@testable import NetcodeProtocol

@Suite struct LobbyFrameDecoderTests {
    func frame(_ payload: [UInt8]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(payload.count))
        buffer.writeBytes(payload)
        return buffer
    }

    @Test func decodesFramesByteByByteAndWhole() throws {
        let payloads: [[UInt8]] = [[0x01], [0x05, 1, 2, 3], Array(repeating: 0xAB, count: 300), [0x0B] + Array(0..<8)]
        let pairs = payloads.map { (self.frame($0), [ByteBuffer(bytes: $0)]) }
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) {
            LobbyFrameDecoder(maximumFrameSize: 1024)
        }
    }

    @Test func refusesAnOversizedFrameFromItsPrefixAlone() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(LobbyFrameDecoder(maximumFrameSize: 1024)))
        var prefix = ByteBuffer()
        prefix.writeInteger(UInt32(1025))
        // Only the 4 prefix bytes arrive: the decoder must refuse without waiting for the payload.
        #expect(throws: LobbyFrameError.frameTooLarge(announced: 1025, maximum: 1024)) {
            try channel.writeInbound(prefix)
        }
        _ = try? channel.finish()
    }

    @Test func acceptsAFrameOfExactlyTheMaximum() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(LobbyFrameDecoder(maximumFrameSize: 16)))
        try channel.writeInbound(self.frame(Array(repeating: 7, count: 16)))
        let frame = try #require(try channel.readInbound(as: ByteBuffer.self))
        #expect(frame.readableBytes == 16)
        _ = try channel.finish()
    }

    @Test func refusesAnEmptyFrame() {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(LobbyFrameDecoder()))
        #expect(throws: LobbyFrameError.emptyFrame) { try channel.writeInbound(self.frame([])) }
        _ = try? channel.finish()
    }

    @Test func encoderPrefixesTheLength() throws {
        let channel = EmbeddedChannel(handler: MessageToByteHandler(LobbyFrameEncoder()))
        try channel.writeOutbound(ByteBuffer(bytes: [9, 8, 7]))
        let written = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(Array(written.readableBytesView) == [0, 0, 0, 3, 9, 8, 7])
        _ = try channel.finish()
    }
}
