import Foundation
import NIOCore
import NetcodeClient
import NetcodeProtocol
import NetcodeStore
import Testing
@testable import NetcodeServer

/// Holes a single person with a script could use against the lobby (issue 12), each over real sockets on
/// 127.0.0.1.
@Suite struct LobbyAbuseTests {
    @Test func loggingIntoOnesOwnAccountDoesNotForgiveGuessesAtAnother() async throws {
        let server = try await TestServer.start { $0.loginFailuresAllowed = 3 }
        _ = try await server.player("victim", password: "right password")
        let own = try await server.player("mallory", password: "mallory password")
        await own.close()
        let attacker = try await server.connect()
        try await attacker.hello()
        for _ in 0..<2 {
            try await attacker.send(.login(name: "victim", password: "guess guess"))
            #expect(try await attacker.expectError().0 == .badCredentials)
        }
        // A successful login from the same address, on a second connection.
        let mine = try await server.connect()
        try await mine.hello()
        try await mine.send(.login(name: "mallory", password: "mallory password"))
        _ = try await mine.expect("loggedIn") { if case .loggedIn = $0 { true } else { nil } }

        try await attacker.send(.login(name: "victim", password: "guess guess"))
        #expect(try await attacker.expectError().0 == .badCredentials)
        try await attacker.send(.login(name: "victim", password: "right password"))
        #expect(try await attacker.expectError().0 == .rateLimited, "the third failure still blocks the address")
        try await server.stop()
    }

    @Test func simultaneousGuessesAreCountedBeforeTheyAreChecked() async throws {
        let server = try await TestServer.start {
            $0.loginFailuresAllowed = 3
            $0.passwordIterations = 20_000
        }
        _ = try await server.player("victim", password: "right password")
        var clients: [LobbyClient] = []
        for _ in 0..<12 {
            let client = try await server.connect()
            try await client.hello()
            clients.append(client)
        }
        for client in clients { try await client.send(.login(name: "victim", password: "guess guess")) }
        var checked = 0
        var limited = 0
        for client in clients {
            switch try await client.expectError().0 {
            case .badCredentials: checked += 1
            case .rateLimited: limited += 1
            case let other: Issue.record("unexpected \(other)")
            }
        }
        #expect(checked == 3, "only the allowed number of passwords is ever checked")
        #expect(limited == 9)
        try await server.stop()
    }

    @Test func aTakenNameCostsAHashLikeAFreshOne() async throws {
        let iterations = 200_000
        let server = try await TestServer.start { $0.passwordIterations = iterations }
        _ = try await server.player("alice", password: "alice password")
        // What one hash costs on this machine now; a refusal without a hash takes well under a millisecond.
        let clock = ContinuousClock()
        let hashTime = try clock.measure { _ = try PasswordHasher(iterations: iterations).hash("some password") }
        let other = try await server.connect()
        try await other.hello()
        let start = clock.now
        try await other.send(.register(name: "ALICE", password: "another password"))
        #expect(try await other.expectError().0 == .nameTaken)
        let refusal = clock.now - start
        // A lower bound only, so a loaded machine cannot fail it.
        #expect(refusal >= hashTime * 0.3, "a taken name answered in \(refusal); one hash takes \(hashTime)")
        try await server.stop()
    }

    @Test func aRealtimeFrameBeforeHelloIsRefusedAndCloses() async throws {
        let server = try await TestServer.start()
        let client = try await server.connect()
        var packet = ByteBufferAllocator().buffer(capacity: 16)
        packet.writeBytes([UInt8](repeating: 0x4E, count: 16))
        try await client.send(.realtime(packet))
        let messages = try await client.drainUntilClosed()
        guard case .error(.helloRequired, _)? = messages.last else {
            Issue.record("expected helloRequired and a close, got \(messages)")
            return
        }
        try await server.stop()
    }

    @Test func controlCharactersInRoomNamesAndChatAreRefused() async throws {
        let server = try await TestServer.start()
        let alice = try await server.player("alice")
        for name in ["bad\u{1B}[2Jroom", "nul\u{0}room", "mid\nline", "bidi\u{202E}room"] {
            try await alice.send(.createRoom(name: name, maxPlayers: 2, transport: nil))
            let (code, text) = try await alice.expectError()
            #expect(code == .invalidArgument)
            #expect(text.contains("control characters"))
        }
        try await alice.send(.createRoom(name: "fine room", maxPlayers: 2, transport: nil))
        _ = try await alice.expect("roomState") { if case .roomState = $0 { true } else { nil } }
        try await alice.send(.chat(text: "line one\r\nline two"))
        let (code, _) = try await alice.expectError()
        #expect(code == .invalidArgument)
        try await alice.send(.chat(text: "héllo, 世界 👋🏽"))
        _ = try await alice.expect("chatMessage") { if case .chatMessage = $0 { true } else { nil } }
        try await server.stop()
    }

    @Test func aRoomEveryoneLeftDuringItsMatchIsRemovedAndTheMatchIsNotRecorded() async throws {
        // The leaves must reach the match before it ends: it lasts an hour, so only they can end it
        // (a match nobody is left in ends at its next tick), whatever the machine's speed.
        let server = try await TestServer.start { $0.match.durationSeconds = 3600 }
        let match = try await server.twoPlayerMatch(transport: .udp, roomName: "ghost")
        try await match.alice.send(.leaveRoom)
        _ = try await match.alice.expect("leftRoom") { if case .leftRoom = $0 { true } else { nil } }
        try await match.bob.send(.leaveRoom)
        _ = try await match.bob.expect("leftRoom") { if case .leftRoom = $0 { true } else { nil } }
        try await match.alice.send(.listRooms)
        let rooms = try await match.alice.expect("roomList") { if case .roomList(let rooms) = $0 { rooms } else { nil } }
        #expect(rooms.isEmpty, "the empty room is gone at once, match or not")

        // The match ended when the last player left (an event: no match runs any more) and, once every
        // result write has finished, no row was written for it.
        let director = try #require(server.server.state.withLockedValue { $0.realtime }).director
        try await OwnedTaskTests.until("the ghost match ended") { await director.runningMatches() == 0 }
        await director.results.wait()
        #expect(try await server.database.recentMatches(limit: 10).isEmpty, "a match every player left is not recorded")
        // The players can play again at once: a new room, a new match.
        let second = try await TwoPlayerMatch.start(alice: match.alice, bob: match.bob, transport: .udp, roomName: "real")
        #expect(second.startA.matchID != match.startA.matchID)
        try await server.stop()
    }

    @Test func registrationsAreLimitedPerUntrustedAddress() async throws {
        let server = try await TestServer.start {
            $0.trustedAddresses = []
            $0.registrationsPerAddress = 2
        }
        _ = try await server.player("first")
        _ = try await server.player("second")
        let third = try await server.connect()
        try await third.hello()
        try await third.send(.register(name: "third", password: "password3"))
        let (code, text) = try await third.expectError()
        #expect(code == .rateLimited)
        #expect(text.contains("new accounts"))
        #expect(try await server.database.account(named: "third") == nil)
        // A login is not a registration: the existing accounts still get in.
        try await third.send(.login(name: "first", password: "wrong password"))
        #expect(try await third.expectError().0 == .badCredentials)
        try await server.stop()
    }

    @Test func loopbackIsTrustedByDefaultSoTheLocalSwarmCanRegister() async throws {
        let server = try await TestServer.start { $0.registrationsPerAddress = 1 }
        for index in 0..<3 { _ = try await server.player("bot\(index)") }
        try await server.stop()
    }

    @Test func theHashingQueueIsBoundedAndAnswersAtOnceWhenFull() async throws {
        let server = try await TestServer.start {
            $0.passwordIterations = 300_000
            $0.maximumPendingHashes = 1
            $0.loginFailuresAllowed = 100
        }
        _ = try await server.player("victim", password: "right password")
        var clients: [LobbyClient] = []
        for _ in 0..<6 {
            let client = try await server.connect()
            try await client.hello()
            clients.append(client)
        }
        for client in clients { try await client.send(.login(name: "victim", password: "guess guess")) }
        var busy = 0
        for client in clients {
            let (code, text) = try await client.expectError()
            if code == .serverFull {
                busy += 1
                #expect(text.contains("busy"))
            } else {
                #expect(code == .badCredentials)
            }
        }
        #expect(busy >= 1, "six logins at once do not all fit a queue of one")
        #expect(busy < 6, "the first one is checked")
        try await server.stop()
    }

    @Test func connectionsAreLimitedPerUntrustedAddress() async throws {
        let server = try await TestServer.start {
            $0.trustedAddresses = []
            $0.maximumConnectionsPerAddress = 2
        }
        let first = try await server.connect()
        try await first.hello()
        let second = try await server.connect()
        try await second.hello()
        let third = try await server.connect()
        let messages = try await third.drainUntilClosed()
        guard case .error(.serverFull, let text)? = messages.last else {
            Issue.record("expected serverFull, got \(messages)")
            return
        }
        #expect(text.contains("too many connections from"))
        try await first.send(.ping(nonce: 1))
        _ = try await first.expect("pong") { if case .pong = $0 { true } else { nil } }
        try await server.stop()
    }

    @Test func framesAreSmallUntilLogin() async throws {
        let server = try await TestServer.start()
        let stranger = try await server.connect()
        try await stranger.send(.hello(version: lobbyProtocolVersion, client: String(repeating: "x", count: 2_000)))
        let messages = try await stranger.drainUntilClosed()
        guard case .error(.frameTooLarge, let text)? = messages.last else {
            Issue.record("expected frameTooLarge, got \(messages)")
            return
        }
        #expect(text.contains("1024"), "\(text)")

        // After login the configured maximum applies: a large frame is decoded and judged on its content.
        let alice = try await server.player("alice")
        try await alice.send(.createRoom(name: String(repeating: "r", count: 4_000), maxPlayers: 2, transport: nil))
        let (code, _) = try await alice.expectError()
        #expect(code == .invalidArgument)
        try await server.stop()
    }

    @Test func roomsAreLimitedPerUntrustedAddress() async throws {
        let server = try await TestServer.start {
            $0.trustedAddresses = []
            $0.maximumRoomsPerAddress = 2
        }
        var players: [LobbyClient] = []
        for index in 0..<3 { players.append(try await server.player("player\(index)")) }
        for index in 0..<2 {
            try await players[index].send(.createRoom(name: "room \(index)", maxPlayers: 2, transport: nil))
            _ = try await players[index].expect("roomState") { if case .roomState = $0 { true } else { nil } }
        }
        try await players[2].send(.createRoom(name: "one too many", maxPlayers: 2, transport: nil))
        let (code, text) = try await players[2].expectError()
        #expect(code == .serverFull)
        #expect(text.contains("rooms already"))
        // Leaving one makes room for another.
        try await players[0].send(.leaveRoom)
        _ = try await players[0].expect("leftRoom") { if case .leftRoom = $0 { true } else { nil } }
        try await players[2].send(.createRoom(name: "now it fits", maxPlayers: 2, transport: nil))
        _ = try await players[2].expect("roomState") { if case .roomState = $0 { true } else { nil } }
        try await server.stop()
    }
}
