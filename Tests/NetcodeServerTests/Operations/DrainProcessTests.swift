import Foundation
import NetcodeClient
import NetcodeProtocol
import NetcodeStore
import Testing
@testable import NetcodeServer

/// `netcode admin drain` against a real `netcode server` process: the running match finishes and is
/// stored, lobby clients are told, logins are refused, and the process exits 0; a second server on the
/// same admin socket exits with its own code.
@Suite(.serialized) struct DrainProcessTests {
    @Test func drainLetsTheRunningMatchFinishAndExitsZero() async throws {
        let folder = try SocketFolder()
        defer { folder.remove() }
        let database = folder.path + "/n.sqlite"
        let log = URL(fileURLWithPath: folder.path + "/log")
        let server = try NetcodeBinary.start([
            "server", "--tcp-port", "0", "--udp-port", "0", "--db", database, "--admin-socket", folder.socket,
            // The drain must reach the server while the match runs: 10 s leave a starved machine room.
            "--match-duration", "10", "--password-iterations", "1000", "--shards", "1",
        ], log: log)
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        let port = try await ServerProcessTests().lobbyPort(log: log)

        // A second server pointed at the live socket stops with its own exit code and binds nothing.
        let second = try NetcodeBinary.start(["server", "--tcp-port", "0", "--udp-port", "0", "--db", folder.path + "/other.sqlite", "--admin-socket", folder.socket], log: URL(fileURLWithPath: folder.path + "/log2"))
        try await onOwnThread { second.waitUntilExit() }
        #expect(second.terminationStatus == 3)

        let alice = try await LobbyClient.connect(host: "127.0.0.1", port: port)
        let bob = try await LobbyClient.connect(host: "127.0.0.1", port: port)
        try await ServerProcessTests().register(alice, "alice")
        try await ServerProcessTests().register(bob, "bob")
        let match = try await TwoPlayerMatch.start(alice: alice, bob: bob, transport: .udp, roomName: "drain")
        let (a, b) = try await match.play()
        #expect(try await a.firstSnapshot())

        let (answer, _) = try await AdminClient(path: folder.socket).send(AdminRequest(command: .drain))
        #expect(answer.ok)
        let seconds = try await alice.waitFor("draining") { if case .draining(_, let seconds) = $0 { seconds } else { nil } }
        #expect(seconds == 300, "the server's --drain-timeout")

        // Nobody new gets in while the match finishes.
        let carol = try await LobbyClient.connect(host: "127.0.0.1", port: port)
        try await carol.hello()
        try await carol.send(.register(name: "carol", password: "password-123"))
        let (code, text) = try await carol.expectError()
        #expect(code == .serverFull)
        #expect(text.contains("draining"))

        let matchID = try await alice.waitFor("matchEnded") { if case .matchEnded(let id, _) = $0 { id } else { nil } }
        try await onOwnThread { server.waitUntilExit() }
        #expect(server.terminationStatus == 0)
        #expect(fileMode(folder.socket) == nil, "the socket file is removed")
        a.end(.stopped)
        b.end(.stopped)
        _ = try? await a.finished()
        _ = try? await b.finished()

        let stored = try #require(try await NetcodeDatabase.openFile(path: database).match(id: Int64(matchID)))
        #expect(stored.players.count == 2)
    }
}
