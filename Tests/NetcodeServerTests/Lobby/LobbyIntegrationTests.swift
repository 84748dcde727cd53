import Foundation
import NIOCore
import NetcodeClient
import NetcodeProtocol
import NetcodeStore
import Testing
@testable import NetcodeServer

/// The lobby over real sockets on 127.0.0.1.
@Suite struct LobbyIntegrationTests {
    @Test func registerThenLogInOnANewConnection() async throws {
        let server = try await TestServer.start()
        let first = try await server.player("alice", password: "correct horse")
        await first.close()
        // An event, not a race: the server has seen the close (until then alice is logged in there, and a
        // second login is refused with alreadyLoggedIn, as it should be).
        let lobby = server.server.lobby
        try await OwnedTaskTests.until("the server closed the first connection") { await lobby.connectionCount == 0 }

        let second = try await server.connect()
        try await second.hello()
        try await second.send(.login(name: "ALICE", password: "correct horse"))
        let (name, isNew) = try await second.expect("loggedIn") { if case .loggedIn(_, let name, let isNew) = $0 { (name, isNew) } else { nil } }
        #expect(name == "alice")
        #expect(!isNew)
        let stored = try #require(try await server.database.account(named: "alice"))
        #expect(stored.passwordHash.count == PasswordHasher.hashSize)
        #expect(!stored.passwordHash.elementsEqual(Array("correct horse".utf8)), "never the password itself")
        #expect(stored.lastLoginAt != nil)
        await second.close()
        try await server.stop()
    }

    @Test func wrongPasswordAndDuplicateNameGetClearErrors() async throws {
        let server = try await TestServer.start()
        let alice = try await server.player("alice", password: "correct horse")

        let other = try await server.connect()
        try await other.hello()
        try await other.send(.register(name: "Alice", password: "another password"))
        let (takenCode, takenText) = try await other.expectError()
        #expect(takenCode == .nameTaken)
        #expect(takenText.contains("taken"))

        try await other.send(.login(name: "alice", password: "wrong password"))
        let (badCode, _) = try await other.expectError()
        #expect(badCode == .badCredentials)

        try await other.send(.login(name: "nobody", password: "whatever1"))
        #expect(try await other.expectError().0 == .badCredentials, "an unknown name looks like a wrong password")

        // The connection is still usable after the refusals.
        try await other.send(.ping(nonce: 5))
        #expect(try await other.expect("pong") { if case .pong(let nonce) = $0 { nonce } else { nil } } == 5)
        await alice.close()
        await other.close()
        try await server.stop()
    }

    @Test func repeatedFailuresAreRateLimitedPerAddress() async throws {
        let server = try await TestServer.start { $0.loginFailuresAllowed = 2 }
        _ = try await server.player("victim", password: "right password")
        let attacker = try await server.connect()
        try await attacker.hello()
        for _ in 0..<2 {
            try await attacker.send(.login(name: "victim", password: "guess guess"))
            #expect(try await attacker.expectError().0 == .badCredentials)
        }
        try await attacker.send(.login(name: "victim", password: "right password"))
        let (code, text) = try await attacker.expectError()
        #expect(code == .rateLimited, "even the right password waits out the block")
        #expect(text.contains("try again"))
        try await server.stop()
    }

    @Test func twoPlayersMeetInARoomAndChat() async throws {
        let server = try await TestServer.start()
        let alice = try await server.player("alice")
        let bob = try await server.player("bob")

        try await alice.send(.createRoom(name: "duel", maxPlayers: 2, transport: nil))
        let room = try await alice.expect("roomState") { if case .roomState(let room, _) = $0 { room } else { nil } }

        try await bob.send(.listRooms)
        let listed = try await bob.expect("roomList") { if case .roomList(let rooms) = $0 { rooms } else { nil } }
        #expect(listed.map(\.id) == [room.id])

        try await bob.send(.joinRoom(id: room.id))
        let seenByAlice = try await alice.expect("roomState with bob") { message -> [String]? in
            if case .roomState(_, let members) = message, members.count == 2 { return members.map(\.name) }
            return nil
        }
        #expect(seenByAlice == ["alice", "bob"])

        try await alice.send(.chat(text: "good luck"))
        let line = try await bob.expect("chat") { if case .chatMessage(_, _, let from, let text) = $0 { "\(from): \(text)" } else { nil } }
        #expect(line == "alice: good luck")
        try await server.stop()
    }

    @Test func oversizedFrameGetsAnErrorAndTheConnectionCloses() async throws {
        let server = try await TestServer.start { $0.maximumFrameSize = 1024 }
        let client = try await server.connect()
        try await client.hello()
        // Announce 1 MiB: the server must refuse from the prefix alone.
        try await client.sendRawBytes([0x00, 0x10, 0x00, 0x00, 0x01])
        let rest = try await client.drainUntilClosed()
        guard case .error(.frameTooLarge, let text)? = rest.last else {
            Issue.record("expected frameTooLarge, got \(rest)")
            return
        }
        #expect(text.contains("1024"))
        // Everyone else is still served.
        let other = try await server.player("survivor")
        try await other.send(.ping(nonce: 1))
        _ = try await other.expect("pong") { if case .pong = $0 { true } else { nil } }
        try await server.stop()
    }

    @Test func garbageBytesCloseOnlyThatConnection() async throws {
        let server = try await TestServer.start()
        let bystander = try await server.player("bystander")
        let client = try await server.connect()
        // A well-formed frame holding an unknown message type, then garbage.
        try await client.sendRawBytes([0, 0, 0, 3, 0x7E, 0xFF, 0xFF])
        let rest = try await client.drainUntilClosed()
        guard case .error(let code, _)? = rest.last else {
            Issue.record("expected an error before the close, got \(rest)")
            return
        }
        #expect(code == .unknownMessage)
        try await bystander.send(.ping(nonce: 2))
        _ = try await bystander.expect("pong") { if case .pong = $0 { true } else { nil } }
        try await server.stop()
    }

    @Test func malformedMessageIsRefused() async throws {
        let server = try await TestServer.start()
        let client = try await server.connect()
        // hello whose string length runs past the end of the frame
        try await client.sendRawBytes([0, 0, 0, 5, 0x01, 0x00, 0x01, 0x00, 0x09])
        let rest = try await client.drainUntilClosed()
        guard case .error(.malformedMessage, let text)? = rest.last else {
            Issue.record("expected malformedMessage, got \(rest)")
            return
        }
        #expect(text.contains("client"))
        try await server.stop()
    }

    @Test func versionMismatchIsExplained() async throws {
        let server = try await TestServer.start()
        let client = try await server.connect()
        try await client.send(.hello(version: 42, client: "future"))
        let rest = try await client.drainUntilClosed()
        guard case .error(.unsupportedVersion, let text)? = rest.last else {
            Issue.record("expected unsupportedVersion, got \(rest)")
            return
        }
        #expect(text.contains("42"))
        try await server.stop()
    }

    @Test func idleClientsAreClosed() async throws {
        let server = try await TestServer.start { $0.idleTimeout = .milliseconds(300) }
        // Timed from before the connection exists: the server's idle clock starts at accept, which a
        // busy machine may report to the client late, so only this start is a true lower bound.
        let clock = ContinuousClock()
        let start = clock.now
        let client = try await server.connect()
        let rest = try await client.drainUntilClosed(timeout: .seconds(5))
        guard case .error(.idleTimeout, _)? = rest.last else {
            Issue.record("expected idleTimeout, got \(rest)")
            return
        }
        #expect(clock.now - start >= .milliseconds(250))
        try await server.stop()
    }

    @Test func aFloodIsCutOffWithoutHurtingOthers() async throws {
        let server = try await TestServer.start { $0.framesPerSecond = 50; $0.frameBurst = 100 }
        let calm = try await server.player("calm")
        let flooder = try await server.connect()
        try await flooder.hello()
        var bytes: [UInt8] = []
        let ping = Array(ClientMessage.ping(nonce: 0).encoded().readableBytesView)
        for _ in 0..<1_000 { bytes += [0, 0, 0, UInt8(ping.count)] + ping }
        let clock = ContinuousClock()
        let sentAt = clock.now
        try await flooder.sendRawBytes(bytes)
        let rest = try await flooder.drainUntilClosed()
        let elapsed = clock.now - sentAt
        guard case .error(.flooding, _)? = rest.last else {
            Issue.record("expected flooding, got \(rest.suffix(2))")
            return
        }
        let pongs = rest.filter { if case .pong = $0 { true } else { false } }.count
        // The burst, plus what the rate refills while a loaded machine works through the flood: the bound
        // follows the time it took, not a quiet machine's.
        let refilled = Int((Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18) * 50) + 1
        #expect(pongs <= 100 + refilled, "only the burst and the refill were served (\(pongs) pongs in \(elapsed))")
        #expect(pongs < 1_000, "the flood was cut off")
        try await calm.send(.ping(nonce: 3))
        _ = try await calm.expect("pong") { if case .pong = $0 { true } else { nil } }
        try await server.stop()
    }

    @Test func connectionLimitRefusesTheExtraClient() async throws {
        let server = try await TestServer.start { $0.maximumConnections = 2 }
        let first = try await server.connect()
        let second = try await server.connect()
        try await first.hello()
        try await second.hello()
        let third = try await server.connect()
        let rest = try await third.drainUntilClosed()
        guard case .error(.serverFull, _)? = rest.last else {
            Issue.record("expected serverFull, got \(rest)")
            return
        }
        try await server.stop()
    }

    @Test func gracefulShutdownTellsClientsAndRestartsOnTheSamePort() async throws {
        let database = try NetcodeDatabase.inMemory()
        let server = try await TestServer.start(database: database)
        let client = try await server.player("stayer", password: "password-1")
        let clock = ContinuousClock()
        let start = clock.now
        try await server.stop()
        // A stop is bounded by the grace period (4 s; then the server closes what is still open), never by
        // the 30 s idle timeout. The margin above the grace is for a loaded machine: beside a sanitizer
        // build on 2 cores this stop took 5.3 s.
        let configuration = ServerConfiguration(tcpPort: 0, udpPort: 0)
        #expect(configuration.shutdownGracePeriod < .seconds(10) && configuration.idleTimeout >= .seconds(30))
        #expect(clock.now - start < configuration.shutdownGracePeriod + .seconds(10))
        let rest = try await client.drainUntilClosed()
        #expect(rest.contains(.goingAway(reason: "the server is shutting down")))

        // A restart right after the stop binds the same port (SO_REUSEADDR) and keeps the accounts.
        let restarted = try await TestServer.start(database: database, tcpPort: server.port)
        #expect(restarted.port == server.port)
        let again = try await restarted.player("stayer", password: "password-1", register: false)
        await again.close()
        try await restarted.stop()
    }
}
