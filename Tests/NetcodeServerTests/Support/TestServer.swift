import Foundation
import Logging
import NIOCore
import NIOPosix
import NetcodeClient
import NetcodeProtocol
import NetcodeStore
@testable import NetcodeServer

/// A real server on 127.0.0.1 with OS-chosen ports and an in-memory (or given) database, run in the
/// background for one test.
struct TestServer {
    let server: GameServer
    let database: NetcodeDatabase
    let port: Int
    let task: Task<Void, any Error>

    static func start(
        database: NetcodeDatabase? = nil,
        tcpPort: Int = 0,
        configure: (inout ServerConfiguration) -> Void = { _ in }
    ) async throws -> TestServer {
        var configuration = ServerConfiguration(tcpPort: tcpPort, udpPort: 0, passwordIterations: 1_000)
        configure(&configuration)
        let database = try database ?? NetcodeDatabase.inMemory()
        var logger = Logger(label: "test.server")
        logger.logLevel = ProcessInfo.processInfo.environment["NETCODE_TEST_LOG"] != nil ? .debug : .critical
        let server = try GameServer(configuration: configuration, database: database, logger: logger)
        let port = try await server.bind()
        let task = Task { try await server.run() }
        return TestServer(server: server, database: database, port: port, task: task)
    }

    func connect() async throws -> LobbyClient {
        try await LobbyClient.connect(host: "127.0.0.1", port: self.port)
    }

    /// Connects, says hello and registers (or logs in) `name`.
    func player(_ name: String, password: String = "password-\(UUID().uuidString.prefix(4))", register: Bool = true) async throws -> LobbyClient {
        let client = try await self.connect()
        try await client.hello()
        try await client.send(register ? .register(name: name, password: password) : .login(name: name, password: password))
        _ = try await client.expect("loggedIn") { if case .loggedIn(let id, _, _) = $0 { id } else { nil } }
        return client
    }

    /// The realtime socket's counters.
    func realtimeCounters() async throws -> RealtimeCounters {
        try await self.server.realtimeCounters()
    }

    /// Stops the server gracefully and waits for `run()` to return.
    func stop() async throws {
        self.server.shutdown()
        try await self.task.value
    }
}

extension LobbyClient {
    func hello() async throws {
        try await self.send(.hello(version: lobbyProtocolVersion, client: "tests"))
        _ = try await self.expect("welcome") { if case .welcome = $0 { true } else { nil } }
    }

    /// The next error the server sends.
    func expectError(timeout: Duration = .seconds(10)) async throws -> (LobbyErrorCode, String) {
        while true {
            guard let message = try await self.next(timeout: timeout) else { throw LobbyClientError.connectionClosed }
            if case .error(let code, let text) = message { return (code, text) }
        }
    }

    /// Reads until the server closes the connection; returns what arrived on the way. The timeout (for
    /// each message) is a hang guard: when the whole suite starts at once a starved server has taken over
    /// 10 s to answer.
    func drainUntilClosed(timeout: Duration = .seconds(60)) async throws -> [ServerMessage] {
        var messages: [ServerMessage] = []
        while let message = try await self.next(timeout: timeout) { messages.append(message) }
        return messages
    }
}

/// Two logged-in clients that met in a room, readied, and got their match credentials.
struct TwoPlayerMatch {
    var alice: LobbyClient
    var bob: LobbyClient
    var room: RoomSummary
    var startA: MatchStart
    var startB: MatchStart

    /// Alice creates a room for two, Bob joins, both ready; returns once both have `matchStarting`.
    static func start(alice: LobbyClient, bob: LobbyClient, transport: UpdateTransport, roomName: String = "two") async throws -> TwoPlayerMatch {
        try await alice.send(.createRoom(name: roomName, maxPlayers: 2, transport: transport))
        let room = try await alice.expect("roomState") { if case .roomState(let room, _) = $0 { room } else { nil } }
        try await bob.send(.joinRoom(id: room.id))
        try await alice.send(.setReady(true))
        try await bob.send(.setReady(true))
        let startA = try await alice.expect("matchStarting") { if case .matchStarting(let start) = $0 { start } else { nil } }
        let startB = try await bob.expect("matchStarting") { if case .matchStarting(let start) = $0 { start } else { nil } }
        return TwoPlayerMatch(alice: alice, bob: bob, room: room, startA: startA, startB: startB)
    }

    /// Both players start playing the realtime stream from 127.0.0.1.
    func play(behaviours: (BotBehaviour, BotBehaviour) = (.chase, .wander)) async throws -> (RealtimeClient, RealtimeClient) {
        let a = try await RealtimeClient.play(self.startA, serverHost: "127.0.0.1", localHost: "127.0.0.1", lobby: self.alice, options: .init(behaviour: behaviours.0, seed: 1))
        let b = try await RealtimeClient.play(self.startB, serverHost: "127.0.0.1", localHost: "127.0.0.1", lobby: self.bob, options: .init(behaviour: behaviours.1, seed: 2))
        return (a, b)
    }
}

extension TestServer {
    func twoPlayerMatch(transport: UpdateTransport, roomName: String = "two") async throws -> TwoPlayerMatch {
        try await TwoPlayerMatch.start(alice: try await self.player("alice"), bob: try await self.player("bob"), transport: transport, roomName: roomName)
    }
}
