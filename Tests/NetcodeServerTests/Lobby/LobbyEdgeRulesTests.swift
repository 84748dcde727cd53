import NIOCore
import NetcodeClient
import NetcodeProtocol
import Testing
@testable import NetcodeServer

/// The corners of the lobby that clients written from docs/PROTOCOL.md alone asked about, over real
/// sockets: the match roster, leaving or unreadying during a match, enum values out of range, and
/// registering while logins are blocked.
@Suite struct LobbyEdgeRulesTests {
    @Test func theMatchStartNamesEveryPlayerWithIDsInJoinOrder() async throws {
        let server = try await TestServer.start { $0.match = MatchSettings(durationSeconds: 1, seed: 2) }
        let match = try await server.twoPlayerMatch(transport: .udp, roomName: "roster")
        let alice = try #require(try await server.database.account(named: "alice"))
        let bob = try #require(try await server.database.account(named: "bob"))
        let expected = [
            MatchRosterEntry(playerID: 1, accountID: UInt64(alice.id), name: "alice"),
            MatchRosterEntry(playerID: 2, accountID: UInt64(bob.id), name: "bob"),
        ]
        #expect(match.startA.roster == expected, "the room's creator joined first")
        #expect(match.startB.roster == expected, "every player gets the same roster")
        #expect(match.startA.player(match.startA.playerID)?.name == "alice")
        #expect(match.startB.player(match.startB.playerID)?.name == "bob")
        // The standings at the end use the same ids.
        let standings = try await match.alice.expect("matchEnded", timeout: .seconds(60)) { if case .matchEnded(_, let standings) = $0 { standings } else { nil } }
        #expect(Set(standings.map { MatchRosterEntry(playerID: $0.playerID, accountID: $0.accountID, name: $0.name) }) == Set(expected))
        try await server.stop()
    }

    @Test func leavingDuringAMatchAnswersLeftRoomAndClearsThePlayerAtOnce() async throws {
        // A tcp match, so Bob's snapshots arrive in his lobby inbox, in order with the lobby's pushes;
        // long enough that it is still running when the leave arrives, however loaded the machine.
        let server = try await TestServer.start { $0.match = MatchSettings(durationSeconds: 60, sessionTimeout: .seconds(60), seed: 3) }
        let match = try await server.twoPlayerMatch(transport: .tcp, roomName: "leave")
        match.bob.keepAlive(every: .seconds(5))  // Bob only watches: pings keep the idle timeout away

        // Unreadying during play is refused; the connection stays and the match goes on.
        try await match.alice.send(.setReady(false))
        #expect(try await match.alice.expectError().0 == .roomInMatch)

        try await match.alice.send(.leaveRoom)
        _ = try await match.alice.expect("leftRoom") { if case .leftRoom = $0 { true } else { nil } }
        // Bob's room shows one member, still in its match ...
        let (room, members) = try await match.bob.expect("roomState without alice") { message -> (RoomSummary, [RoomMember])? in
            if case .roomState(let room, let members) = message, members.count == 1 { return (room, members) }
            return nil
        }
        #expect(room.inMatch)
        #expect(members.map(\.name) == ["bob"])
        // ... and his snapshots soon show Alice (player 1) disconnected: she left the match, not only
        // the room.
        var bob = RealtimeConnection(sessionID: match.startB.sessionID, keyBytes: match.startB.sessionKey)
        // A tcp session gets snapshots once its client has spoken (they must not overtake matchStarting).
        match.bob.sendRealtime(bob.seal(type: .keepalive, payload: ByteBuffer(), now: 0))
        var snapshots = SnapshotReceiver()
        let alice = try #require(match.startB.roster.first { $0.name == "alice" })
        let tick = try await match.bob.expect("a snapshot with alice disconnected", timeout: .seconds(30)) { message -> UInt32? in
            guard case .realtime(let packet) = message,
                  case .accepted(.snapshot, let payload, _) = bob.open(packet, now: 0),
                  case .success(let snapshot) = snapshots.receive(payload),
                  snapshot.state.players.contains(where: { $0.id == alice.playerID && !$0.isConnected })
            else { return nil }
            return snapshot.state.tick
        }
        #expect(tick > 0)
        try await server.stop()
    }

    /// One frame: length prefix and payload.
    static func frame(_ payload: [UInt8]) -> [UInt8] {
        let length = UInt32(payload.count)
        return [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)] + payload
    }

    @Test func enumValuesOutOfRangeAreInvalidArgumentsAndTheConnectionStays() async throws {
        let server = try await TestServer.start()
        let anonymous = try await server.connect()
        try await anonymous.hello()
        let createRoom: [UInt8] = [0x06, 0, 4, 0x72, 0x6F, 0x6F, 0x6D, 2]
        try await anonymous.sendRawBytes(Self.frame(createRoom + [3]))
        #expect(try await anonymous.expectError().0 == .notLoggedIn, "refused as its phase refuses any room message")

        let client = try await server.player("enums")
        try await client.sendRawBytes(Self.frame(createRoom + [3]))
        let (code, text) = try await client.expectError()
        #expect(code == .invalidArgument)
        #expect(text.contains("transport 3"), "\(text)")
        try await client.sendRawBytes(Self.frame([0x0A, 7]))
        #expect(try await client.expectError().0 == .invalidArgument, "a bool is an enum of two values")
        // Still open and in order: the valid values work.
        try await client.sendRawBytes(Self.frame(createRoom + [2]))
        let room = try await client.expect("roomState") { if case .roomState(let room, _) = $0 { room } else { nil } }
        #expect(room.transport == .tcp)
        // Bytes after the value make the message malformed, which closes.
        try await client.sendRawBytes(Self.frame([0x0A, 7, 0]))
        let rest = try await client.drainUntilClosed()
        guard case .error(.malformedMessage, _)? = rest.last else {
            Issue.record("expected malformedMessage, got \(rest)")
            return
        }
        try await server.stop()
    }

    @Test func registeringIsNotRefusedByTheFailedLoginBlock() async throws {
        let server = try await TestServer.start { $0.loginFailuresAllowed = 2 }
        _ = try await server.player("victim", password: "right password")
        let client = try await server.connect()
        try await client.hello()
        for _ in 0..<2 {
            try await client.send(.login(name: "victim", password: "guess guess"))
            #expect(try await client.expectError().0 == .badCredentials)
        }
        try await client.send(.login(name: "victim", password: "guess again"))
        let (code, text) = try await client.expectError()
        #expect(code == .rateLimited)
        #expect(text.contains("failed logins"), "\(text)")
        // The block is against guessing passwords; a new account guesses nothing, and registrations have
        // their own limit (with its own message).
        try await client.send(.register(name: "newcomer", password: "a fine password"))
        let isNew = try await client.expect("loggedIn") { if case .loggedIn(_, _, let isNew) = $0 { isNew } else { nil } }
        #expect(isNew)
        try await server.stop()
    }
}
