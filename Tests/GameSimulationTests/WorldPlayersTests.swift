import Testing
@testable import GameSimulation

@Suite struct WorldPlayersTests {
    @Test func playersSpawnInsideAtRestAndAreSortedById() throws {
        let config = GameConfig(seed: 21)
        let world = try makeWorld(config, players: [9, 2, 200, 0, 5])
        #expect(world.players.map(\.id) == [0, 2, 5, 9, 200])
        for player in world.players {
            #expect(player.x >= 0 && player.x <= config.arenaWidth)
            #expect(player.y >= 0 && player.y <= config.arenaHeight)
            #expect(player.vx == 0 && player.vy == 0 && player.score == 0 && player.connected)
            #expect(world.player(player.id) == player)
        }
        #expect(world.player(1) == nil)
        #expect(Set(world.players.map { "\($0.x),\($0.y)" }).count == 5)
    }

    @Test func spawnPointsFollowTheSeed() throws {
        let a = try makeWorld(GameConfig(seed: 1), players: [1, 2])
        let b = try makeWorld(GameConfig(seed: 1), players: [1, 2])
        let c = try makeWorld(GameConfig(seed: 2), players: [1, 2])
        #expect(a.players == b.players)
        #expect(a.players != c.players)
    }

    @Test func duplicateIdIsRejected() throws {
        var world = try makeWorld(players: [4])
        #expect(throws: WorldError.duplicatePlayer(4)) { try world.addPlayer(4) }
        world.removePlayer(4)
        #expect(throws: WorldError.duplicatePlayer(4)) { try world.addPlayer(4) }
        #expect(world.players.count == 1)
    }

    @Test func fullMatchIsRejectedCountingPlayersWhoLeft() throws {
        var world = try makeWorld(GameConfig(maxPlayers: 3), players: [1, 2, 3])
        world.removePlayer(2)
        #expect(throws: WorldError.full(maxPlayers: 3)) { try world.addPlayer(4) }
        #expect(WorldError.full(maxPlayers: 3).description.contains("3"))
    }

    @Test func twoHundredFiftyFivePlayersFit() throws {
        let ids = (0..<255).map { PlayerID($0) }.reversed()
        var world = try makeWorld(GameConfig(maxPlayers: 255), players: Array(ids))
        #expect(world.players.map(\.id) == Array(ids).sorted())
        #expect(world.player(254)?.id == 254)
        #expect(throws: WorldError.full(maxPlayers: 255)) { try world.addPlayer(255) }
    }

    @Test func finishedMatchRejectsJoins() throws {
        var world = World(config: GameConfig(tickRate: 10, durationSeconds: 0.1))
        world.step(inputs: [:])
        #expect(world.isFinished)
        #expect(throws: WorldError.matchFinished) { try world.addPlayer(1) }
    }

    @Test func removedPlayerStopsMovingAndScoringButStaysInResults() throws {
        var world = try makeWorld(GameConfig(seed: 5), players: [1, 2])
        for _ in 0..<10 {
            world.step(inputs: [1: PlayerInput(moveX: 127, moveY: 0), 2: PlayerInput(moveX: 0, moveY: 127)])
        }
        world.removePlayer(1)
        let frozen = try #require(world.player(1))
        #expect(!frozen.connected && frozen.vx == 0 && frozen.vy == 0)

        // A coin right under the removed player must stay there.
        clearCoins(awayFromX: frozen.x, y: frozen.y, in: &world)
        placeCoin(0, atX: frozen.x, y: frozen.y, in: &world)
        let coinID = world.coins[0].id
        for _ in 0..<30 {
            world.step(inputs: [1: PlayerInput(moveX: 127, moveY: 127)])
        }
        let after = try #require(world.player(1))
        #expect(after.x == frozen.x && after.y == frozen.y)
        #expect(after.score == frozen.score && after.coinsCollected == frozen.coinsCollected)
        #expect(world.coins[0].id == coinID)
        #expect(world.currentInput(of: 1) == .idle)

        let result = try #require(world.results().first { $0.id == 1 })
        #expect(!result.connected)
        #expect(world.results().count == 2)
    }

    @Test func removingUnknownOrRemovedPlayerIsHarmless() throws {
        var world = try makeWorld(players: [1])
        let before = world
        world.removePlayer(9)
        #expect(world == before)
        world.removePlayer(1)
        let once = world
        world.removePlayer(1)
        #expect(world == once)
    }
}
