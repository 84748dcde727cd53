import Testing
@testable import GameSimulation

@Suite struct CoinTests {
    @Test func touchingACoinScoresAndRespawnsIt() throws {
        var world = try makeWorld(GameConfig(seed: 17), players: [1])
        let player = try #require(world.player(1))
        clearCoins(awayFromX: player.x, y: player.y, in: &world)
        placeCoin(3, atX: player.x + 0.5, y: player.y, in: &world)
        let picked = world.coins[3]
        let otherCoins = world.coins.enumerated().filter { $0.offset != 3 }.map(\.element)

        world.step(inputs: [:])

        let after = try #require(world.player(1))
        #expect(after.score == picked.value)
        #expect(after.coinsCollected == 1)
        #expect(world.coins.count == world.config.coinCount)
        let replacement = world.coins[3]
        #expect(replacement.id != picked.id)
        #expect(!world.coins.contains { $0.id == picked.id })
        #expect(replacement.x != picked.x || replacement.y != picked.y)
        // The replacement is placed out of the collector's reach.
        let dx = replacement.x - after.x
        let dy = replacement.y - after.y
        #expect(dx * dx + dy * dy > world.config.pickupRadius * world.config.pickupRadius)
        #expect(world.coins.enumerated().filter { $0.offset != 3 }.map(\.element) == otherCoins)
    }

    @Test func coinJustOutOfReachStays() throws {
        var world = try makeWorld(GameConfig(seed: 17), players: [1])
        let player = try #require(world.player(1))
        clearCoins(awayFromX: player.x, y: player.y, in: &world)
        placeCoin(0, atX: player.x + 1.01, y: player.y, in: &world)
        let coin = world.coins[0]
        world.step(inputs: [:])
        #expect(world.player(1)?.score == 0)
        #expect(world.coins[0] == coin)
    }

    @Test func nearestPlayerGetsTheCoinAndLowestIdWinsATie() throws {
        var world = try makeWorld(GameConfig(seed: 3), players: [1, 2, 3])
        world.players[0].x = 10; world.players[0].y = 10
        world.players[1].x = 10.8; world.players[1].y = 10
        world.players[2].x = 9.2; world.players[2].y = 10
        clearCoins(awayFromX: 10, y: 10, in: &world)
        placeCoin(0, atX: 10.6, y: 10, in: &world)  // nearest to player 2
        placeCoin(1, atX: 10, y: 10.5, in: &world)  // player 1 at 0.5, players 2 and 3 farther
        world.step(inputs: [:])
        #expect(world.player(1)?.score == 1)
        #expect(world.player(2)?.score == 1)
        #expect(world.player(3)?.score == 0)

        var tie = try makeWorld(GameConfig(seed: 3), players: [4, 6])
        tie.players[0].x = 20; tie.players[0].y = 20
        tie.players[1].x = 21; tie.players[1].y = 20
        clearCoins(awayFromX: 20, y: 20, in: &tie)
        placeCoin(0, atX: 20.5, y: 20, in: &tie)
        tie.step(inputs: [:])
        #expect(tie.player(4)?.score == 1)
        #expect(tie.player(6)?.score == 0)
    }

    @Test func scoreSaturatesAtUInt16Max() throws {
        var world = try makeWorld(GameConfig(coinValue: 1000, seed: 2), players: [1])
        world.players[0].score = UInt16.max - 10
        let player = world.players[0]
        clearCoins(awayFromX: player.x, y: player.y, in: &world)
        placeCoin(0, atX: player.x, y: player.y, in: &world)
        world.step(inputs: [:])
        #expect(world.player(1)?.score == UInt16.max)
        #expect(world.player(1)?.coinsCollected == 1)
    }

    @Test func coinIdsStayUniqueAcrossTheWrap() throws {
        var world = try makeWorld(GameConfig(coinCount: 3, seed: 6), players: [1])
        // Coins 0, 1, 2 are in the arena; the counter is about to wrap onto them.
        world.nextCoinID = UInt16.max - 1
        for _ in 0..<4 {
            let player = world.players[0]
            clearCoins(awayFromX: player.x, y: player.y, in: &world)
            placeCoin(2, atX: player.x, y: player.y, in: &world)
            world.step(inputs: [:])
            #expect(Set(world.coins.map(\.id)).count == 3)
        }
        #expect(world.player(1)?.coinsCollected == 4)
        #expect(world.coins.map(\.id).contains(3))
    }

    @Test func steeringToCoinsCollectsThem() throws {
        var world = try makeWorld(GameConfig(seed: 12), players: [1, 2])
        for _ in 0..<(30 * 20) {
            // Player 1 chases the nearest coin; player 2 stands still.
            let player = try #require(world.player(1))
            let nearest = try #require(world.coins.min { lhs, rhs in
                let l = (lhs.x - player.x) * (lhs.x - player.x) + (lhs.y - player.y) * (lhs.y - player.y)
                let r = (rhs.x - player.x) * (rhs.x - player.x) + (rhs.y - player.y) * (rhs.y - player.y)
                return l < r
            })
            world.step(inputs: [1: input(steering: player, toward: nearest.x, nearest.y)])
        }
        let chaser = try #require(world.player(1))
        #expect(chaser.coinsCollected >= 10)
        #expect(Int(chaser.score) == chaser.coinsCollected * Int(world.config.coinValue))
        #expect(world.coins.count == 8)
        #expect(world.winner == 1)
    }
}
