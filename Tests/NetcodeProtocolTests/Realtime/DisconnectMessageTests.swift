import NIOCore
import Testing

@testable import NetcodeProtocol

@Suite("Disconnect and keepalive payloads")
struct DisconnectMessageTests {
    @Test("every reason byte round-trips, known or not")
    func roundTrip() throws {
        for raw in UInt8.min...UInt8.max {
            let message = DisconnectMessage(reason: .init(rawValue: raw))
            let payload = message.encoded()
            #expect(RealtimeFixtures.bytes(payload) == [raw])
            #expect(try DisconnectMessage.decode(payload) == message)
        }
        #expect(DisconnectMessage.Reason.matchEnded.rawValue == 2)
    }

    @Test("a disconnect payload of any other length is malformed")
    func malformed() {
        #expect(throws: RealtimeDecodingError.self) { try DisconnectMessage.decode(ByteBuffer()) }
        #expect(throws: RealtimeDecodingError.self) { try DisconnectMessage.decode(ByteBuffer(bytes: [1, 2])) }
    }

    @Test("a keepalive travels as an empty payload")
    func keepalive() {
        var (client, server) = RealtimeFixtures.connectionPair()
        let packet = client.seal(type: .keepalive, payload: ByteBuffer(), now: 0)
        #expect(packet.readableBytes == RealtimePacket.minPacketSize)
        #expect(server.open(packet, now: 1) == .accepted(.keepalive, payload: ByteBuffer(), newlyAcked: []))
    }
}
