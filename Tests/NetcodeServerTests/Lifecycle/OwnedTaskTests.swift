import Foundation
import Logging
import NetcodeClient
import NetcodeProtocol
import NetcodeStore
import Testing
@testable import NetcodeServer

/// Shutdown owns every task the server starts: when `run()` returns nothing it started is still
/// running, work under way (a password check) has finished and been stored, and timers (a held
/// seat's grace) have ended and done what their expiry does.
@Suite struct OwnedTaskTests {
    /// Waits until `condition` holds (checked every 20 ms, for at most a minute: a starved machine).
    static func until(_ what: String, _ condition: @Sendable () async throws -> Bool) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(60)
        while try await !condition() {
            guard clock.now < deadline else { Issue.record("never happened: \(what)"); return }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test func aRegistrationWhosePasswordIsBeingHashedAtShutdownIsStoredBeforeRunReturns() async throws {
        // A slow hash (a second or more at three million rounds) and no shutdown grace: the connection closes
        // long before the hash is done.
        let server = try await TestServer.start {
            $0.passwordIterations = 3_000_000
            $0.shutdownGracePeriod = .zero
        }
        let client = try await server.connect()
        try await client.hello()
        try await client.send(.register(name: "late", password: "late-password"))
        let lobby = server.server.lobby
        try await Self.until("the registration's task started") { lobby.tasks.running > 0 }

        server.server.shutdown()
        try await server.task.value
        #expect(lobby.tasks.running == 0, "nothing the lobby started is still running")
        #expect(try await server.database.account(named: "late") != nil, "the registration under way was stored, not lost")
        await client.close()
    }

    @Test func aSeatHeldAtShutdownIsGivenUpBeforeRunReturns() async throws {
        // An hour of reconnect grace: only the shutdown can end it.
        let server = try await TestServer.start {
            $0.reconnectGrace = .seconds(3600)
            $0.shutdownGracePeriod = .milliseconds(200)
            $0.match.durationSeconds = 120
        }
        let (match, alicePlay, bobPlay) = try await ReconnectionTests.match(server)
        alicePlay.end(.dropped)
        _ = try await alicePlay.finished()
        await match.alice.close()
        let lobby = server.server.lobby
        try await Self.until("alice's seat is held") { await lobby.players.contains { $0.name == "alice" && $0.seatHeld } }

        server.server.shutdown()
        try await server.task.value
        #expect(lobby.tasks.running == 0, "the grace timer ended with the server")
        #expect(server.server.chores.running == 0, "the shutdown grace timer ended with the server")
        #expect(await !lobby.players.contains { $0.seatHeld }, "the held seat was given up")
        bobPlay.end(.stopped)
        _ = try await bobPlay.finished()
        await match.bob.close()
    }

    struct WorkFailed: Error {}
    enum Ending: String, CaseIterable { case error, cancellation }

    /// `whileRunning` (the demo and the portable comparison run a server beside their bots with it): when
    /// the work throws or is cancelled, the server has stopped and everything it started has ended by
    /// the time the call returns.
    @Test(arguments: Ending.allCases)
    func aServerRunForAPieceOfWorkStopsWithIt(ending: Ending) async throws {
        var logger = Logger(label: "test.server")
        logger.logLevel = .critical
        let server = try GameServer(
            configuration: ServerConfiguration(tcpPort: 0, udpPort: 0, passwordIterations: 1_000),
            database: try NetcodeDatabase.inMemory(),
            logger: logger
        )
        let port = try await server.bind()
        let connected = AsyncStream<Void>.makeStream()
        let work = Task {
            try await server.whileRunning {
                // A client is logged in and served when the work ends.
                let client = try await LobbyClient.connect(host: "127.0.0.1", port: port)
                try await client.hello()
                connected.continuation.yield()
                switch ending {
                case .error: throw WorkFailed()
                case .cancellation: try await Task.sleep(for: .seconds(3600))
                }
            }
        }
        var events = connected.stream.makeAsyncIterator()
        _ = await events.next()
        if ending == .cancellation { work.cancel() }
        let result = await work.result
        switch ending {
        case .error: #expect(throws: WorkFailed.self) { try result.get() }
        case .cancellation: #expect(throws: CancellationError.self) { try result.get() }
        }
        #expect(server.isShuttingDown)
        #expect(server.connectionWork.running == 0, "run() returned: every connection was closed and waited for")
        #expect(server.chores.running == 0, "the shutdown grace timer ended with the server")
        #expect(server.lobby.tasks.running == 0)
        await #expect(throws: (any Error).self) { try await LobbyClient.connect(host: "127.0.0.1", port: port) }
    }
}

/// A stopped server leaves nothing behind in a process that goes on: the lobby and the match director
/// hold each other while the server runs, and let go once it has stopped.
@Suite struct StoppedServerReleaseTests {
    @Test func aStoppedServerIsReleasedWithItsDirectorAndShards() async throws {
        weak var director: MatchDirector?
        weak var lobby: LobbyService?
        do {
            let server = try await TestServer.start()
            director = try #require(server.server.state.withLockedValue { $0.realtime }).director
            lobby = server.server.lobby
            #expect(director != nil && lobby != nil)
            try await server.stop()
        }
        #expect(director == nil, "the match director outlived its stopped server")
        #expect(lobby == nil, "the lobby outlived its stopped server")
    }

    /// The discovery responder answers with the lobby's player count: it must not hold the server
    /// itself, which keeps the responder (a cycle that kept every stopped server with discovery on).
    @Test func aStoppedServerWithDiscoveryIsReleased() async throws {
        weak var gameServer: GameServer?
        weak var lobby: LobbyService?
        do {
            let server = try await TestServer.start {
                $0.discovery = DiscoverySettings(group: DiscoveryTests.group, port: 0, interfaceAddress: "127.0.0.1")
            }
            try #require(server.server.discoveryPort != nil, "discovery is on")
            gameServer = server.server
            lobby = server.server.lobby
            try await server.stop()
        }
        #expect(gameServer == nil, "a stopped server with discovery on was never released")
        #expect(lobby == nil, "the lobby outlived its stopped server")
    }
}
