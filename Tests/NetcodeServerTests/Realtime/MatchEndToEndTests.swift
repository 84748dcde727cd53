import NIOCore
import NetcodeClient
import NetcodeProtocol
import NetcodeStore
import Testing
@testable import NetcodeServer

/// Two clients log in, meet in a room, play a short match over real sockets, and find its result in the
/// database, over UDP and over TCP.
@Suite struct MatchEndToEndTests {
    struct Played {
        var standings: [MatchStanding]
        var experiences: [PlayerExperience]
        var ends: [RealtimeEnd]
        var matchID: UInt64
    }

    func playOneMatch(on server: TestServer, transport: UpdateTransport) async throws -> Played {
        let match = try await server.twoPlayerMatch(transport: transport, roomName: "e2e")
        let (alice, bob, startA, startB) = (match.alice, match.bob, match.startA, match.startB)
        #expect(match.room.transport == transport)
        #expect(startA.matchID == startB.matchID)
        #expect(startA.sessionID != startB.sessionID)
        #expect(startA.sessionKey != startB.sessionKey)
        #expect(Set([startA.playerID, startB.playerID]) == [1, 2])
        #expect(startA.transport == transport)

        let (playA, playB) = try await match.play()
        // Events, not time: each client has its first snapshot before the match is over (the match is
        // long enough for a starved client to get going; false would mean it never did).
        #expect(try await playA.firstSnapshot(), "alice received a snapshot before the match ended")
        #expect(try await playB.firstSnapshot(), "bob received a snapshot before the match ended")

        // The lobby announces the end once the result is stored (the timeout only guards against a hang).
        let (matchID, standings) = try await alice.expect("matchEnded", timeout: .seconds(120)) { if case .matchEnded(let id, let standings) = $0 { (id, standings) } else { nil } }
        playA.end(.matchEnded)
        playB.end(.matchEnded)
        let (endA, experienceA) = try await playA.finished()
        let (endB, experienceB) = try await playB.finished()
        await alice.close()
        await bob.close()
        return Played(standings: standings, experiences: [experienceA, experienceB], ends: [endA, endB], matchID: matchID)
    }

    func check(_ played: Played, in database: NetcodeDatabase, transport: UpdateTransport, durationTicks: Int) async throws {
        #expect(played.standings.count == 2)
        #expect(played.standings.map(\.name).sorted() == ["alice", "bob"])
        #expect(played.standings.allSatisfy { $0.connected })
        let stored = try #require(try await database.match(id: Int64(played.matchID)))
        #expect(stored.transport == transport)
        #expect(stored.tickRate == 30)
        #expect(stored.durationTicks == durationTicks, "the match ends by its tick count, however long that took")
        #expect(stored.players.count == 2)
        // Experiences are alice's and bob's, in that order. What arrived is compared with what was sent
        // (ratios), never with what a second of wall time should hold: a starved machine sends and
        // receives less, and the promises below still hold.
        for (name, experience) in zip(["alice", "bob"], played.experiences) {
            let player = try #require(stored.players.first { $0.name == name })
            // One snapshot per tick at most: a starved server merges ticks (counted), never sends extra.
            #expect(player.snapshotsSent > 0 && player.snapshotsSent <= durationTicks, "\(name): sent \(player.snapshotsSent) of \(durationTicks) ticks")
            #expect(experience.snapshotsReceived > 0 && experience.snapshotsReceived <= player.snapshotsSent,
                    "\(name): received \(experience.snapshotsReceived) of the \(player.snapshotsSent) sent")
            // On loopback nearly every snapshot sent after the client's address was known arrives.
            let delivery = try #require(experience.deliveryRatio)
            #expect(delivery > 0.9, "\(name): delivery \(delivery)")
            // Latency is measured (its figures belong in `netcode bots` reports and the benchmarks, not in
            // a bound here: loopback adds microseconds, a starved machine adds what it likes).
            #expect(experience.snapshotLatency.totalCount > 0)
            #expect(experience.inputAcknowledgement.totalCount > 0, "\(name): the server acknowledged inputs")
            #expect(experience.staleness.totalCount > 0)
            #expect(player.inputsReceived > 0, "\(name): the server applied inputs (\(experience.inputsSent) input packets sent)")
            #expect(player.rttMs > 0, "\(name): a round trip was measured")
            let standing = try #require(played.standings.first { Int64($0.accountID) == player.accountID })
            #expect(Int(standing.score) == player.score)
            #expect(Int(standing.rank) == player.rank)
        }
        let leaders = try await database.leaderboard(limit: 10)
        #expect(leaders.count == 2)
        #expect(leaders.allSatisfy { $0.matchesPlayed == 1 })
    }

    @Test(arguments: [UpdateTransport.udp, .tcp])
    func twoPlayersPlayAShortMatch(transport: UpdateTransport) async throws {
        // The match ends by its tick count; 8 s leaves a client starved at the start (the whole suite
        // starts at once, beside two busy cores) time to get going before the last tick.
        let server = try await TestServer.start { $0.match = MatchSettings(durationSeconds: 8, seed: 7) }
        let played = try await self.playOneMatch(on: server, transport: transport)
        try await self.check(played, in: server.database, transport: transport == .udp ? .udp : .tcp, durationTicks: 240)
        try await server.stop()
    }

    @Test func aPlayerWhoDisconnectsLeavesAndTheMatchGoesOn() async throws {
        // Without a reconnect grace a closed lobby connection removes the player at once (with one, the
        // seat is held: ReconnectionTests).
        // Bob leaves as soon as both play (an event, not a fixed sleep), so that his leaving reaches the
        // match long before its last tick, even on a starved machine.
        let server = try await TestServer.start {
            $0.match = MatchSettings(durationSeconds: 8, seed: 3)
            $0.reconnectGrace = .zero
        }
        let match = try await server.twoPlayerMatch(transport: .udp, roomName: "quit")
        let (alice, bob) = (match.alice, match.bob)
        let (playA, playB) = try await match.play()
        playB.end(.stopped)
        await bob.close()
        #expect(try await playA.firstSnapshot())

        let standings = try await alice.expect("matchEnded", timeout: .seconds(120)) { if case .matchEnded(_, let standings) = $0 { standings } else { nil } }
        playA.end(.matchEnded)
        _ = try await playA.finished()
        #expect(standings.first { $0.name == "bob" }?.connected == false)
        #expect(standings.first { $0.name == "alice" }?.connected == true)
        let stored = try #require(try await server.database.recentMatches(limit: 1).first)
        #expect(stored.players.first { $0.name == "bob" }?.connectedAtEnd == false)
        #expect(stored.durationTicks == 240, "the match ran its full length without bob")
        try await server.stop()
    }
}
