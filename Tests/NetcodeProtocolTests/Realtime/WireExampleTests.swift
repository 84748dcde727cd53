import NIOCore
import Testing

@testable import NetcodeProtocol

/// The worked example in the protocol document: if this changes, the document must change too.
@Suite("Wire example")
struct WireExampleTests {
    @Test("a sealed input packet with a fixed key has the documented bytes")
    func sealedInputPacket() throws {
        var (client, server) = RealtimeFixtures.connectionPair()
        // The server sends 0...3; the client gets 0, 1 and 3 (2 is lost).
        for index in 0..<4 {
            let packet = server.seal(type: .keepalive, payload: ByteBuffer(), now: 0)
            if index != 2 { _ = client.open(packet, now: 0) }
        }
        // The client has already sent sequences 0...4.
        for _ in 0..<5 {
            _ = client.seal(type: .keepalive, payload: ByteBuffer(), now: 0)
        }
        let message = InputMessage(newestSequence: 42, inputs: [
            InputCommand(moveX: 0, moveY: 0, buttons: 0),
            InputCommand(moveX: 127, moveY: 0, buttons: 1),
            InputCommand(moveX: -127, moveY: -127, buttons: 3),
        ])
        let packet = client.seal(type: .input, payload: message.encoded(), now: 0)
        let hex = RealtimeFixtures.hex(packet)
        let header = ["21", "01020304", "0005", "0003", "00000006"].joined()
        let payload = ["0000002a", "03", "000000", "7f0001", "818103"].joined()
        #expect(hex.hasPrefix(header + payload))
        #expect(hex == header + payload + "8ba55c19977deb3f")
        #expect(server.open(packet, now: 1).newlyAcked == [0, 1, 3])
    }
}
