import NetcodeClient
import NetcodeProtocol
import Testing

/// A connection's messages reach the lobby in the order they were sent, one at a time, even when the
/// client sends many in one write: real sockets, the real server.
@Suite struct LobbyMessageOrderTests {
    @Test func pipelinedPingsAreAnsweredInOrder() async throws {
        let server = try await TestServer.start()
        let client = try await server.connect()
        try await client.hello()
        // 500 frames in one write (under the default burst of 600): they arrive together and are queued
        // together, so handling them concurrently or out of order would show in the pongs.
        var bytes: [UInt8] = []
        for nonce in 0..<500 as Range<UInt64> {
            let payload = Array(ClientMessage.ping(nonce: nonce).encoded().readableBytesView)
            bytes += [0, 0, UInt8(payload.count >> 8), UInt8(payload.count & 0xff)] + payload
        }
        try await client.sendRawBytes(bytes)
        var answered: [UInt64] = []
        for _ in 0..<500 {
            answered.append(try await client.expect("pong") { if case .pong(let nonce) = $0 { nonce } else { nil } })
        }
        #expect(answered == Array(0..<500))
        await client.close()
        try await server.stop()
    }
}
