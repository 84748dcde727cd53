import NIOCore
import Testing

@testable import NetcodeProtocol

@Suite("Realtime packet authentication")
struct PacketAuthenticationTests {
    private func sealedInput() -> (packet: ByteBuffer, sender: RealtimeConnection) {
        var (client, _) = RealtimeFixtures.connectionPair()
        let message = InputMessage(newestSequence: 9, inputs: [InputCommand(moveX: 1, moveY: -1, buttons: 2), InputCommand(moveX: 127, moveY: -128, buttons: 0xFF)])
        let packet = client.seal(type: .input, payload: message.encoded(), now: 1)
        return (packet, client)
    }

    @Test("an untouched sealed packet opens, with the payload as sent")
    func opens() throws {
        let (packet, _) = sealedInput()
        var (_, server) = RealtimeFixtures.connectionPair()
        let result = server.open(packet, now: 2)
        let payload = try #require(result.payload)
        #expect(try InputMessage.decode(payload).newestSequence == 9)
        #expect(server.stats.packetsReceived == 1)
        #expect(server.stats.bytesReceived == UInt64(packet.readableBytes))
    }

    @Test("flipping any single bit of a sealed packet gets it rejected")
    func everyBitFlip() {
        let (packet, _) = sealedInput()
        let bytes = RealtimeFixtures.bytes(packet)
        for index in bytes.indices {
            for bit in 0..<8 {
                var corrupted = bytes
                corrupted[index] ^= 1 << bit
                var (_, server) = RealtimeFixtures.connectionPair()
                let result = server.open(RealtimeFixtures.buffer(corrupted), now: 2)
                #expect(!result.isAccepted, "bit \(bit) of byte \(index) flipped was accepted")
                #expect(server.stats.packetsReceived == 0)
                #expect(server.stats.drops.total == 1)
            }
        }
    }

    @Test("replacing any byte of a sealed packet gets it rejected")
    func everyByteReplaced() {
        let (packet, _) = sealedInput()
        let bytes = RealtimeFixtures.bytes(packet)
        for index in bytes.indices {
            var corrupted = bytes
            corrupted[index] ^= 0xFF
            var (_, server) = RealtimeFixtures.connectionPair()
            #expect(!server.open(RealtimeFixtures.buffer(corrupted), now: 2).isAccepted, "byte \(index) replaced was accepted")
        }
    }

    @Test("a packet sealed with another key is rejected as a bad tag")
    func wrongKey() {
        let (packet, _) = sealedInput()
        var other = RealtimeConnection(sessionID: RealtimeFixtures.sessionID, keyBytes: Array(repeating: 7, count: 32))
        #expect(other.open(packet, now: 2) == .dropped(.badTag))
        #expect(other.stats.drops[.badTag] == 1)
    }

    @Test("a packet for another session is rejected")
    func wrongSession() {
        let (packet, _) = sealedInput()
        var other = RealtimeConnection(sessionID: 99, keyBytes: RealtimeFixtures.keyBytes)
        #expect(other.open(packet, now: 2) == .dropped(.unknownSession))
    }

    @Test("a packet cut at any length is rejected without trapping")
    func truncatedEverywhere() {
        let (packet, _) = sealedInput()
        let bytes = RealtimeFixtures.bytes(packet)
        for length in 0..<bytes.count {
            var (_, server) = RealtimeFixtures.connectionPair()
            let result = server.open(RealtimeFixtures.buffer(Array(bytes[0..<length])), now: 2)
            #expect(!result.isAccepted, "cut to \(length) bytes was accepted")
            if length < RealtimePacket.minPacketSize {
                #expect(result == .dropped(.truncated))
            }
        }
    }

    @Test("a datagram over 1200 bytes is rejected as oversized, one of 1200 is accepted")
    func oversized() {
        var (client, server) = RealtimeFixtures.connectionPair()
        let largest = client.seal(type: .snapshot, payload: ByteBuffer(repeating: 1, count: RealtimePacket.maxPayloadSize), now: 1)
        #expect(largest.readableBytes == 1200)
        #expect(server.open(largest, now: 2).isAccepted)
        var tooBig = largest
        tooBig.writeInteger(UInt8(0))
        #expect(server.open(tooBig, now: 3) == .dropped(.oversized))
    }

    @Test("keepalive and disconnect payloads must have their exact length")
    func controlPayloadLengths() throws {
        var (client, server) = RealtimeFixtures.connectionPair()
        #expect(server.open(client.seal(type: .keepalive, payload: ByteBuffer(), now: 1), now: 1).isAccepted)
        #expect(server.open(client.seal(type: .keepalive, payload: ByteBuffer(bytes: [0]), now: 1), now: 1) == .dropped(.malformedPayload))
        let bye = client.seal(type: .disconnect, payload: DisconnectMessage(reason: .clientQuit).encoded(), now: 1)
        let payload = server.open(bye, now: 1).payload
        #expect(try DisconnectMessage.decode(#require(payload)).reason == .clientQuit)
        #expect(server.open(client.seal(type: .disconnect, payload: ByteBuffer(), now: 1), now: 1) == .dropped(.malformedPayload))
        #expect(server.stats.drops[.malformedPayload] == 2)
    }
}
