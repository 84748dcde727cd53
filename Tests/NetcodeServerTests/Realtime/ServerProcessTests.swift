import Foundation
import NetcodeClient
import NetcodeProtocol
import NetcodeStore
import Testing

/// The real `netcode server` process: a signal stops it cleanly, and a kill loses no acknowledged result.
@Suite(.serialized) struct ServerProcessTests {
    /// The lobby port the server bound (it was started with port 0), read from its log line
    /// "lobby listening address=127.0.0.1:PORT".
    func lobbyPort(log: URL) async throws -> Int {
        let clock = ContinuousClock()
        // A hang guard, not a speed bound: a debug (or sanitized) server on a starved machine can take long.
        let deadline = clock.now + .seconds(180)
        while clock.now < deadline {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            for line in text.split(separator: "\n") where line.contains("lobby listening") {
                if let range = line.range(of: "address=127.0.0.1:"), let port = Int(line[range.upperBound...].prefix { $0.isNumber }) {
                    return port
                }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? "(no log)"
        throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "the server never said it was listening; its log: \(text.suffix(1500))"])
    }

    func register(_ client: LobbyClient, _ name: String) async throws {
        try await client.send(.hello(version: lobbyProtocolVersion, client: "process-test"))
        _ = try await client.expect("welcome") { if case .welcome = $0 { true } else { nil } }
        try await client.send(.register(name: name, password: "password-123"))
        _ = try await client.expect("loggedIn") { if case .loggedIn = $0 { true } else { nil } }
    }

    @Test func sigtermStopsTheServerAndExitsZero() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("netcode-proc-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = folder.appendingPathComponent("log")
        // 1,000 rounds, as the other process tests: the default 100,000 made the registration outlast the
        // client's wait on a starved machine (a sanitized build), and hashing is not what this test is about.
        let server = try NetcodeBinary.start(
            ["server", "--tcp-port", "0", "--udp-port", "0", "--db", folder.appendingPathComponent("n.sqlite").path, "--password-iterations", "1000"],
            log: log
        )
        // A test that fails before stopping it must not leave the server running.
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        let client = try await LobbyClient.connect(host: "127.0.0.1", port: try await self.lobbyPort(log: log))
        try await self.register(client, "sigterm")
        let clock = ContinuousClock()
        let start = clock.now
        server.terminate() // SIGTERM
        let rest = try await client.drainUntilClosed(timeout: .seconds(60))
        // The server closes every connection within its 4 s shutdown grace and then exits; how long that
        // takes on a starved machine is not the promise (the wait is a hang guard), that it ends is.
        while server.isRunning, clock.now - start < .seconds(60) { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!server.isRunning, "stopped")
        #expect(server.terminationStatus == 0)
        #expect(rest.contains { if case .goingAway = $0 { true } else { false } }, "clients are told")
    }

    @Test func aKilledServerLosesNoAcknowledgedResult() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("netcode-kill-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("n.sqlite").path
        let log = folder.appendingPathComponent("log")
        let server = try NetcodeBinary.start(
            ["server", "--tcp-port", "0", "--udp-port", "0", "--db", database, "--match-duration", "1", "--password-iterations", "1000"],
            log: log
        )
        let port = try await self.lobbyPort(log: log)
        let alice = try await LobbyClient.connect(host: "127.0.0.1", port: port)
        let bob = try await LobbyClient.connect(host: "127.0.0.1", port: port)
        try await self.register(alice, "alice")
        try await self.register(bob, "bob")
        let match = try await TwoPlayerMatch.start(alice: alice, bob: bob, transport: .tcp, roomName: "kill")
        let (playA, playB) = try await match.play()
        let matchID = try await alice.expect("matchEnded", timeout: .seconds(20)) { if case .matchEnded(let id, _) = $0 { id } else { nil } }
        // The result was acknowledged: kill the server without any chance to clean up.
        kill(server.processIdentifier, SIGKILL)
        server.waitUntilExit()
        playA.end(.stopped)
        playB.end(.stopped)
        _ = try? await playA.finished()
        _ = try? await playB.finished()

        let reopened = try NetcodeDatabase.openFile(path: database)
        let stored = try #require(try await reopened.match(id: Int64(matchID)))
        #expect(stored.players.count == 2)
        #expect(stored.transport == .tcp)
    }
}
