import Foundation
import NetcodeClient
import NetcodeProtocol
import NetcodeStore
import Testing
@testable import NetcodeServer

/// A finished match's result outlives a database another process holds locked for a while, and a
/// shutdown that starts while the write is still waiting for that lock.
@Suite(.serialized) struct ResultDurabilityTests {
    func folder(_ name: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("netcode-\(name)-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func aResultWriteSurvivesADatabaseLockedWhileTheMatchEnds() async throws {
        let folder = try self.folder("locked")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("n.sqlite").path
        // A short busy timeout: each attempt fails fast on the lock, so the retries are what carry the result.
        let database = try NetcodeDatabase.openFile(path: path, busyTimeout: .milliseconds(50))
        let server = try await TestServer.start(database: database) { $0.match = MatchSettings(durationSeconds: 1, seed: 3) }
        let alice = try await server.player("alice")
        let bob = try await server.player("bob")
        // Both wait a long time in silence on a starved machine (their sessions may end by timeout): pings
        // keep the lobby's idle timeout from closing them first.
        alice.keepAlive(every: .seconds(5))
        bob.keepAlive(every: .seconds(5))

        let lock = try await DatabaseLock.hold(path)
        defer { lock.release() }
        let match = try await TwoPlayerMatch.start(alice: alice, bob: bob, transport: .udp, roomName: "locked")
        let (playA, playB) = try await match.play()
        // The realtime sessions end with the match (or, on a starved machine, by silence after it): its
        // result is now waiting for the lock.
        _ = try await playA.finished()
        _ = try await playB.finished()
        // Another second of lock: longer than the old retries (about 0.6 s) lasted.
        try await Task.sleep(for: .milliseconds(1_500))
        #expect(try await database.recentMatches(limit: 5).isEmpty, "nothing could be written while the lock was held")
        lock.release()

        let (matchID, standings) = try await alice.expect("matchEnded", timeout: .seconds(30)) { if case .matchEnded(let id, let standings) = $0 { (id, standings) } else { nil } }
        #expect(standings.count == 2, "standings are announced once the result is stored")
        let stored = try #require(try await database.match(id: Int64(matchID)))
        #expect(stored.players.count == 2)
        await alice.close()
        await bob.close()
        try await server.stop()
    }

    @Test func aMatchEndingAsSigtermArrivesKeepsItsResult() async throws {
        let folder = try self.folder("sigterm-result")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("n.sqlite").path
        let log = folder.appendingPathComponent("log")
        let server = try NetcodeBinary.start(
            ["server", "--tcp-port", "0", "--udp-port", "0", "--db", path, "--match-duration", "1", "--password-iterations", "1000"],
            log: log
        )
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }
        let port = try await ServerProcessTests().lobbyPort(log: log)
        let alice = try await LobbyClient.connect(host: "127.0.0.1", port: port)
        let bob = try await LobbyClient.connect(host: "127.0.0.1", port: port)
        try await ServerProcessTests().register(alice, "alice")
        try await ServerProcessTests().register(bob, "bob")

        let lock = try await DatabaseLock.hold(path)
        defer { lock.release() }
        let match = try await TwoPlayerMatch.start(alice: alice, bob: bob, transport: .udp, roomName: "sigterm")
        let (playA, playB) = try await match.play()
        _ = try await playA.finished()
        _ = try await playB.finished()
        // The match is over and its result is queued behind the lock: stop the server now.
        server.terminate() // SIGTERM
        try await Task.sleep(for: .seconds(1))
        #expect(server.isRunning, "shutdown waits for the queued result")
        lock.release()
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(60)
        while server.isRunning, clock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!server.isRunning)
        #expect(server.terminationStatus == 0)
        await alice.close()
        await bob.close()

        let reopened = try NetcodeDatabase.openFile(path: path, createIfMissing: false)
        let stored = try await reopened.recentMatches(limit: 5)
        #expect(stored.count == 1, "the match that ended as the server stopped is stored")
        #expect(stored.first?.players.count == 2)
    }
}
