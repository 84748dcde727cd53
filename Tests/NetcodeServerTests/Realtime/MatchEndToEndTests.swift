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

        // The lobby announces the end once the result is stored.
        let (matchID, standings) = try await alice.expect("matchEnded", timeout: .seconds(20)) { if case .matchEnded(let id, let standings) = $0 { (id, standings) } else { nil } }
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
        for experience in played.experiences {
            // On loopback nearly every snapshot arrives, and each is young.
            // Snapshots flow once the client's address is validated (a round trip after its first input),
            // which a loaded machine can stretch over a good part of a 1.5 s match: a quarter is the floor.
            #expect(experience.snapshotsReceived > durationTicks / 4, "received \(experience.snapshotsReceived) of \(durationTicks)")
            let delivery = try #require(experience.deliveryRatio)
            #expect(delivery > 0.9)
            #expect(experience.snapshotLatency.totalCount > 0)
            // Loopback adds microseconds; the bound is what a machine busy with the rest of the suite can add
            // (debug processes of the lab and the capacity run share the two cores), still under a second.
            #expect(experience.snapshotLatency.valueAtPercentile(50) < 1_000_000, "median one-way latency under a second on loopback")
            #expect(experience.inputAcknowledgement.totalCount > 0, "the server acknowledged inputs")
            #expect(experience.staleness.totalCount > 0)
        }

        let stored = try #require(try await database.match(id: Int64(played.matchID)))
        #expect(stored.transport == transport)
        #expect(stored.tickRate == 30)
        #expect(stored.durationTicks == durationTicks)
        #expect(stored.players.count == 2)
        for player in stored.players {
            // A client starved of CPU resumes from now rather than burst its missed inputs: a quarter is the floor.
            #expect(player.inputsReceived > durationTicks / 4, "the server received \(player.inputsReceived) inputs")
            // One per tick, less any tick a starved server skipped (counted as skipped, never sent late).
            #expect(player.snapshotsSent >= durationTicks / 2 && player.snapshotsSent <= durationTicks)
            #expect(player.rttMs > 0 && player.rttMs < 500, "loopback round trip, with room for a loaded machine")
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
        // 3 s: the start (a validation round trip before snapshots flow) costs a starved machine a fixed
        // time, which a 1.5 s match could not absorb under the suite's own load plus two busy cores.
        let server = try await TestServer.start { $0.match = MatchSettings(durationSeconds: 3, seed: 7) }
        let played = try await self.playOneMatch(on: server, transport: transport)
        try await self.check(played, in: server.database, transport: transport == .udp ? .udp : .tcp, durationTicks: 90)
        try await server.stop()
    }

    @Test func aPlayerWhoDisconnectsLeavesAndTheMatchGoesOn() async throws {
        // Without a reconnect grace a closed lobby connection removes the player at once (with one, the
        // seat is held: ReconnectionTests).
        let server = try await TestServer.start {
            $0.match = MatchSettings(durationSeconds: 1.5, seed: 3)
            $0.reconnectGrace = .zero
        }
        let match = try await server.twoPlayerMatch(transport: .udp, roomName: "quit")
        let (alice, bob) = (match.alice, match.bob)
        let (playA, playB) = try await match.play()
        try await Task.sleep(for: .milliseconds(300))
        playB.end(.stopped)
        await bob.close()

        let standings = try await alice.expect("matchEnded", timeout: .seconds(20)) { if case .matchEnded(_, let standings) = $0 { standings } else { nil } }
        playA.end(.matchEnded)
        _ = try await playA.finished()
        #expect(standings.first { $0.name == "bob" }?.connected == false)
        #expect(standings.first { $0.name == "alice" }?.connected == true)
        let stored = try #require(try await server.database.recentMatches(limit: 1).first)
        #expect(stored.players.first { $0.name == "bob" }?.connectedAtEnd == false)
        #expect(stored.durationTicks == 45, "the match ran its full length without bob")
        try await server.stop()
    }
}
