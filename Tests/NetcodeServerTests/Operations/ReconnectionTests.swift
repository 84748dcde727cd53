import Foundation
import NIOCore
import NetcodeClient
import NetcodeProtocol
import Testing
@testable import NetcodeServer

/// A player whose lobby connection drops mid-match keeps the seat for the reconnect grace, comes back
/// with fresh credentials and plays on; after the grace the player has left. Leaving and being dropped
/// send the disconnect reason the protocol page gives.
@Suite struct ReconnectionTests {
    static let password = "reconnect-password"

    /// Alice and Bob, registered with a known password, in a udp match, both playing.
    static func match(_ server: TestServer) async throws -> (TwoPlayerMatch, RealtimeClient, RealtimeClient) {
        let alice = try await server.player("alice", password: Self.password)
        let bob = try await server.player("bob", password: Self.password)
        let match = try await TwoPlayerMatch.start(alice: alice, bob: bob, transport: .udp, roomName: "comeback")
        let (a, b) = try await match.play()
        #expect(try await a.firstSnapshot())
        #expect(try await b.firstSnapshot())
        return (match, a, b)
    }

    /// Logs `name` in on a new connection.
    static func logIn(_ server: TestServer, _ name: String) async throws -> LobbyClient {
        let client = try await server.connect()
        try await client.hello()
        try await client.send(.login(name: name, password: Self.password))
        _ = try await client.waitFor("loggedIn") { if case .loggedIn = $0 { true } else { nil } }
        return client
    }

    @Test func aDroppedPlayerLogsInAgainWithinTheGraceAndFinishesTheMatch() async throws {
        // The drop, the new login and the resumed session must all happen before the match's last tick:
        // 12 s leaves a starved machine room for them.
        let server = try await TestServer.start { $0.match.durationSeconds = 12 }
        let (match, alicePlay, bobPlay) = try await Self.match(server)
        // The network goes away: no disconnect packet, no logout, the lobby socket just closes.
        alicePlay.end(.dropped)
        _ = try await alicePlay.finished()
        await match.alice.close()

        let again = try await Self.logIn(server, "alice")
        let resumed = try await again.waitFor("matchStarting") { if case .matchStarting(let start) = $0 { start } else { nil } }
        #expect(resumed.matchID == match.startA.matchID, "the same match")
        #expect(resumed.playerID == match.startA.playerID, "the same seat")
        #expect(resumed.sessionID != match.startA.sessionID, "a fresh session")
        #expect(resumed.sessionKey != match.startA.sessionKey, "a fresh key")

        let play = try await RealtimeClient.play(resumed, serverHost: "127.0.0.1", localHost: "127.0.0.1", lobby: again, options: .init(behaviour: .chase, seed: 3))
        #expect(try await play.firstSnapshot(), "play resumes")
        let standings = try await again.waitFor("matchEnded") { if case .matchEnded(_, let standings) = $0 { standings } else { nil } }
        let alice = try #require(standings.first { $0.name == "alice" })
        #expect(alice.connected, "the player finished the match")
        #expect(standings.count == 2)
        play.end(.matchEnded)
        let (_, experience) = try await play.finished()
        #expect(experience.snapshotsReceived > 0)
        #expect(experience.undecodable == 0, "the first snapshot of the new session is a full one")
        bobPlay.end(.matchEnded)
        _ = try await bobPlay.finished()
        try await server.stop()
    }

    @Test func loggingInAgainTakesOverAConnectionTheServerStillThinksIsOpen() async throws {
        let server = try await TestServer.start { $0.match.durationSeconds = 30 }
        let (match, alicePlay, bobPlay) = try await Self.match(server)
        let again = try await Self.logIn(server, "alice")
        let resumed = try await again.waitFor("matchStarting") { if case .matchStarting(let start) = $0 { start } else { nil } }
        #expect(resumed.matchID == match.startA.matchID)
        let old = try await match.alice.drainUntilClosed()
        #expect(old.contains { if case .goingAway = $0 { true } else { false } }, "the old connection is told and closed")
        // The old session's id is no longer routed: its client hears nothing more and gives up.
        alicePlay.end(.stopped)
        bobPlay.end(.stopped)
        _ = try await alicePlay.finished()
        _ = try await bobPlay.finished()
        try await server.stop()
    }

    @Test func afterTheGraceThePlayerHasLeft() async throws {
        let server = try await TestServer.start {
            $0.match.durationSeconds = 30
            $0.reconnectGrace = .milliseconds(300)
        }
        let (match, alicePlay, bobPlay) = try await Self.match(server)
        alicePlay.end(.dropped)
        _ = try await alicePlay.finished()
        await match.alice.close()
        // Bob's room shows him alone once Alice's seat has expired.
        _ = try await match.bob.waitFor("roomState without alice") { message -> Bool? in
            if case .roomState(_, let members) = message, members.map(\.name) == ["bob"] { return true }
            return nil
        }
        let again = try await Self.logIn(server, "alice")
        let view = try #require(await server.server.lobby.players.first { $0.name == "alice" })
        #expect(view.roomID == nil, "back in the lobby, not in the room")
        let matches = await server.server.state.withLockedValue { $0.realtime }?.director.matchViews() ?? []
        let seat = try #require(matches.first?.players.first { $0.name == "alice" })
        #expect(!seat.connected, "out of the match")
        await again.close()
        bobPlay.end(.stopped)
        _ = try await bobPlay.finished()
        try await server.stop()
    }

    @Test func leavingThroughTheLobbyTellsTheSessionTheClientQuit() async throws {
        let server = try await TestServer.start { $0.match.durationSeconds = 30 }
        let (match, alicePlay, bobPlay) = try await Self.match(server)
        try await match.alice.send(.leaveRoom)
        _ = try await match.alice.waitFor("leftRoom") { if case .leftRoom = $0 { true } else { nil } }
        let (end, _) = try await alicePlay.finished()
        #expect(end == .disconnected(reason: DisconnectMessage.Reason.clientQuit.rawValue))
        bobPlay.end(.stopped)
        _ = try await bobPlay.finished()
        try await server.stop()
    }
}

/// The server's disconnect reasons as a client hears them: a silent session is told `timedOut`.
@Suite struct DisconnectReasonTests {
    @Test func aSilentSessionIsToldItTimedOut() async throws {
        let server = try await TestServer.start {
            $0.match.durationSeconds = 30
            $0.match.sessionTimeout = .milliseconds(500)
        }
        // A tcp match: the server's packets come on the lobby connection, so a client that never plays
        // still hears them.
        let match = try await server.twoPlayerMatch(transport: .tcp, roomName: "silent")
        var connection = RealtimeConnection(sessionID: match.startA.sessionID, keyBytes: match.startA.sessionKey)
        let reason = try await match.alice.waitFor("a disconnect packet") { message -> DisconnectMessage.Reason? in
            guard case .realtime(let packet) = message,
                  case .accepted(.disconnect, let payload, _) = connection.open(packet, now: UInt64(NIODeadline.now().uptimeNanoseconds))
            else { return nil }
            return try? DisconnectMessage.decode(payload).reason
        }
        #expect(reason == .timedOut)
        try await server.stop()
    }
}
