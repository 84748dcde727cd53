import Testing
@testable import NetcodeStore

@Suite("Leaderboard")
struct LeaderboardTests {
    @Test("ordered by wins, then total score, then name ignoring case")
    func ordering() async throws {
        let db = try NetcodeDatabase.inMemory()
        let alice = try await Fixtures.account("alice", in: db)
        let bob = try await Fixtures.account("bob", in: db)
        let carol = try await Fixtures.account("carol", in: db)
        let dave = try await Fixtures.account("Dave", in: db)
        try await Fixtures.account("erin", in: db)  // never played: not listed

        try await db.recordMatch(Fixtures.match(id: 1, winner: alice.id, players: [
            Fixtures.player(alice, index: 0, score: 10), Fixtures.player(bob, index: 1, score: 4),
        ]))
        try await db.recordMatch(Fixtures.match(id: 2, winner: bob.id, players: [
            Fixtures.player(bob, index: 0, score: 8), Fixtures.player(carol, index: 1, score: 8),
        ]))
        try await db.recordMatch(Fixtures.match(id: 3, winner: dave.id, players: [
            Fixtures.player(carol, index: 0, score: 3), Fixtures.player(dave, index: 1, score: 12),
        ]))
        try await db.recordMatch(Fixtures.match(id: 4, winner: nil, players: [
            Fixtures.player(carol, index: 0, score: 0), Fixtures.player(alice, index: 1, score: 0),
        ]))

        // bob and Dave tie on wins (1) and total (12): "bob" sorts before "Dave" only when case
        // is ignored. alice also has 1 win but a lower total; carol has none.
        let expected = [
            LeaderboardEntry(accountID: bob.id, name: "bob", matchesPlayed: 2, wins: 1, totalScore: 12, bestScore: 8),
            LeaderboardEntry(accountID: dave.id, name: "Dave", matchesPlayed: 1, wins: 1, totalScore: 12, bestScore: 12),
            LeaderboardEntry(accountID: alice.id, name: "alice", matchesPlayed: 2, wins: 1, totalScore: 10, bestScore: 10),
            LeaderboardEntry(accountID: carol.id, name: "carol", matchesPlayed: 3, wins: 0, totalScore: 11, bestScore: 8),
        ]
        #expect(try await db.leaderboard(limit: 10) == expected)
        #expect(try await db.leaderboard(limit: 2) == Array(expected.prefix(2)))
    }

    @Test("an empty database has an empty leaderboard")
    func empty() async throws {
        let db = try NetcodeDatabase.inMemory()
        try await Fixtures.account("alice", in: db)
        #expect(try await db.leaderboard(limit: 10).isEmpty)
    }
}
