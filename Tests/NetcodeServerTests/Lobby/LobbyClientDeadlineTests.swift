import NetcodeClient
import NetcodeProtocol
import Testing

/// A client's wait for a message ends at its timeout even while pushes keep arriving: a keep-alive's
/// pongs once kept a rejoining bot waiting forever for a `matchStarting` that could no longer come.
@Suite struct LobbyClientDeadlineTests {
    @Test func pushesDoNotExtendAWait() async throws {
        let server = try await TestServer.start()
        let client = try await server.connect()
        try await client.hello()
        client.keepAlive(every: .milliseconds(100))
        var pongs = 0
        var ended: LobbyClientError?
        do {
            _ = try await client.expect("a reply that never comes", timeout: .seconds(2)) { message -> Bool? in
                if case .pong = message { pongs += 1 }
                return nil
            }
        } catch let error as LobbyClientError {
            ended = error
        }
        guard case .timedOut? = ended else {
            Issue.record("the wait ended with \(String(describing: ended)), not its timeout")
            return
        }
        // A push arrived during the wait (each once restarted the timeout), and it still ended.
        #expect(pongs >= 1, "\(pongs) pongs during the wait")
        await client.close()
        try await server.stop()
    }
}
