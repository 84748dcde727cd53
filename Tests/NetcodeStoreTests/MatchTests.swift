import Foundation
import Testing
@testable import NetcodeStore

@Suite("Matches")
struct MatchTests {
    @Test("a recorded match reads back identical, players in index order")
    func roundTrip() async throws {
        let db = try NetcodeDatabase.inMemory()
        let ada = try await Fixtures.account("Ada", in: db)
        let bob = try await Fixtures.account("Bob", in: db)
        let cy = try await Fixtures.account("Cy", in: db)
        let match = Fixtures.match(id: 41, winner: bob.id, players: [
            Fixtures.player(ada, index: 0, score: 3, rank: 2, lossUp: 0.1),
            Fixtures.player(bob, index: 1, score: 9, rank: 1, lossUp: 0),
            Fixtures.player(cy, index: 2, score: 3, rank: 2, lossUp: 1),
        ])
        try await db.recordMatch(match)

        #expect(try await db.recentMatches(limit: 10) == [match])
        #expect(try await db.match(id: 41) == match)
        #expect(try await db.match(id: 42) == nil)
        #expect(try await db.rowCount("match_players") == 3)
    }

    @Test("players given out of index order come back sorted by index")
    func playersSorted() async throws {
        let db = try NetcodeDatabase.inMemory()
        let ada = try await Fixtures.account("Ada", in: db)
        let bob = try await Fixtures.account("Bob", in: db)
        let match = Fixtures.match(id: 1, winner: nil, players: [
            Fixtures.player(bob, index: 1, score: 2),
            Fixtures.player(ada, index: 0, score: 2),
        ])
        try await db.recordMatch(match)
        let stored = try #require(try await db.match(id: 1))
        #expect(stored.players.map(\.playerIndex) == [0, 1])
        #expect(stored.players.map(\.accountID) == [ada.id, bob.id])
    }

    @Test("recent matches are newest first, ties broken by higher id, and limited")
    func recentOrder() async throws {
        let db = try NetcodeDatabase.inMemory()
        let ada = try await Fixtures.account("Ada", in: db)
        let ended: [(id: Int64, endedAt: Int64)] = [(1, 60_000), (2, 180_000), (3, 120_000), (4, 180_000)]
        for (id, endedAt) in ended {
            try await db.recordMatch(Fixtures.match(
                id: id, endedAtOffsetMs: endedAt, winner: ada.id,
                players: [Fixtures.player(ada, index: 0, score: Int(id))]))
        }
        #expect(try await db.recentMatches(limit: 10).map(\.id) == [4, 2, 3, 1])
        #expect(try await db.recentMatches(limit: 2).map(\.id) == [4, 2])
        #expect(try await db.recentMatches(limit: 0).isEmpty)
    }

    @Test("a player with a missing account leaves no partial rows")
    func missingAccountIsAtomic() async throws {
        let db = try NetcodeDatabase.inMemory()
        let ada = try await Fixtures.account("Ada", in: db)
        var ghost = Fixtures.player(ada, index: 1, score: 1)
        ghost.accountID = 999
        // The good player is inserted before the bad one, so a non-atomic write would leave it.
        let match = Fixtures.match(id: 5, winner: ada.id, players: [Fixtures.player(ada, index: 0, score: 4), ghost])

        await #expect(throws: StoreError.unknownAccounts(matchID: 5, accountIDs: [999])) {
            try await db.recordMatch(match)
        }
        #expect(try await db.rowCount("matches") == 0)
        #expect(try await db.rowCount("match_players") == 0)
        #expect(try await db.nextMatchID() == 1)
    }

    @Test("a constraint broken by the last player leaves no partial rows")
    func constraintIsAtomic() async throws {
        let db = try NetcodeDatabase.inMemory()
        let ada = try await Fixtures.account("Ada", in: db)
        let bob = try await Fixtures.account("Bob", in: db)
        let cy = try await Fixtures.account("Cy", in: db)
        let sameIndex = Fixtures.match(id: 6, winner: nil, players: [
            Fixtures.player(ada, index: 0, score: 1),
            Fixtures.player(bob, index: 1, score: 1),
            Fixtures.player(cy, index: 1, score: 1),
        ])
        let lossOutOfRange = Fixtures.match(id: 7, winner: nil, players: [
            Fixtures.player(ada, index: 0, score: 1),
            Fixtures.player(bob, index: 1, score: 1, lossUp: 1.5),
        ])
        let notANumber = Fixtures.match(id: 8, winner: nil, players: [
            Fixtures.player(ada, index: 0, score: 1),
            Fixtures.player(bob, index: 1, score: 1, lossUp: .nan),
        ])
        for match in [sameIndex, lossOutOfRange, notANumber] {
            let error = await #expect(throws: StoreError.self) { try await db.recordMatch(match) }
            guard case .invalidRecord = error else {
                Issue.record("match \(match.id): expected invalidRecord, got \(String(describing: error))")
                continue
            }
        }
        #expect(try await db.rowCount("matches") == 0)
        #expect(try await db.rowCount("match_players") == 0)
    }

    @Test("a winner who did not play is refused")
    func winnerMustPlay() async throws {
        let db = try NetcodeDatabase.inMemory()
        let ada = try await Fixtures.account("Ada", in: db)
        let bob = try await Fixtures.account("Bob", in: db)
        let match = Fixtures.match(id: 2, winner: bob.id, players: [Fixtures.player(ada, index: 0, score: 1)])
        let error = await #expect(throws: StoreError.self) { try await db.recordMatch(match) }
        guard case .invalidRecord(let detail) = error else {
            Issue.record("expected invalidRecord, got \(String(describing: error))")
            return
        }
        #expect(detail.contains("winner account \(bob.id)"))
        #expect(try await db.rowCount("matches") == 0)
    }

    @Test("recording the same match id twice is refused and keeps the first")
    func duplicateID() async throws {
        let db = try NetcodeDatabase.inMemory()
        let ada = try await Fixtures.account("Ada", in: db)
        let first = Fixtures.match(id: 3, winner: ada.id, players: [Fixtures.player(ada, index: 0, score: 5)])
        try await db.recordMatch(first)
        var second = first
        second.roomName = "other"
        second.players[0].score = 50
        await #expect(throws: StoreError.matchIDTaken(id: 3)) { try await db.recordMatch(second) }
        #expect(try await db.match(id: 3) == first)
    }

    @Test("nextMatchID is 1 when empty, then one past the highest id")
    func nextMatchID() async throws {
        let db = try NetcodeDatabase.inMemory()
        #expect(try await db.nextMatchID() == 1)
        let ada = try await Fixtures.account("Ada", in: db)
        try await db.recordMatch(Fixtures.match(id: 7, winner: nil, players: [Fixtures.player(ada, index: 0, score: 0)]))
        #expect(try await db.nextMatchID() == 8)
        try await db.recordMatch(Fixtures.match(id: 3, winner: nil, players: [Fixtures.player(ada, index: 0, score: 0)]))
        #expect(try await db.nextMatchID() == 8)
    }
}
