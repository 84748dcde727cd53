import Testing
@testable import GameSimulation

@Suite struct ResultsTests {
    /// A world whose players have exactly these scores.
    func world(scores: [PlayerID: UInt16]) throws -> World {
        var world = try makeWorld(players: Array(scores.keys))
        for index in world.players.indices {
            world.players[index].score = scores[world.players[index].id] ?? 0
        }
        return world
    }

    @Test func tiesShareARankAndTheNextRankSkips() throws {
        let results = try world(scores: [1: 5, 2: 9, 3: 9, 4: 2, 5: 5, 6: 0]).results()
        #expect(results.map(\.id) == [2, 3, 1, 5, 4, 6])
        #expect(results.map(\.rank) == [1, 1, 3, 3, 5, 6])
        #expect(results.map(\.score) == [9, 9, 5, 5, 2, 0])
    }

    @Test func allEqualScoresAreAllFirst() throws {
        let results = try world(scores: [7: 0, 8: 0, 9: 0]).results()
        #expect(results.map(\.rank) == [1, 1, 1])
        #expect(results.map(\.id) == [7, 8, 9])
    }

    @Test func winnerIsTheSingleTopScorer() throws {
        #expect(try world(scores: [1: 3, 2: 4, 3: 1]).winner == 2)
        #expect(try world(scores: [1: 4, 2: 4, 3: 1]).winner == nil)
        #expect(try world(scores: [1: 0, 2: 0]).winner == nil)
        #expect(try world(scores: [1: 1, 2: 0, 3: 0]).winner == 1)
        #expect(try world(scores: [5: 2]).winner == 5)
        #expect(World(config: GameConfig()).winner == nil)
    }

    @Test func playerWhoLeftKeepsRankAndCanWin() throws {
        var world = try world(scores: [1: 8, 2: 3])
        world.removePlayer(1)
        let results = world.results()
        #expect(results.first == PlayerResult(id: 1, score: 8, rank: 1, connected: false, coinsCollected: 0))
        #expect(world.winner == 1)
    }

    @Test func summaryCollectsTicksResultsAndWinner() throws {
        var world = try world(scores: [1: 2, 2: 6])
        world.step(inputs: [:])
        world.step(inputs: [:])
        let summary = world.summary()
        #expect(summary.ticks == 2)
        #expect(summary.results == world.results())
        #expect(summary.winner == 2)
    }
}
