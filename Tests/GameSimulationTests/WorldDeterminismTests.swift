import Testing
@testable import GameSimulation

@Suite struct WorldDeterminismTests {
    /// Plays `ticks` ticks of random inputs (some missing, as on a lossy network) and a leave.
    func play(seed: UInt64, inputSeed: UInt64, ticks: Int) throws -> World {
        var world = try makeWorld(GameConfig(seed: seed), players: [3, 1, 7, 2])
        var random = SplitMix64(seed: inputSeed)
        for tick in 0..<ticks {
            var inputs: [PlayerID: PlayerInput] = [:]
            for id: PlayerID in [1, 2, 3, 7] where random.next() % 3 != 0 {
                inputs[id] = randomInput(using: &random)
            }
            world.step(inputs: inputs)
            if tick == ticks / 2 { world.removePlayer(2) }
        }
        return world
    }

    @Test func sameSeedAndInputsGiveIdenticalWorlds() throws {
        let a = try play(seed: 11, inputSeed: 5, ticks: 900)
        let b = try play(seed: 11, inputSeed: 5, ticks: 900)
        #expect(a == b)
        // Field by field too, so a failure shows where the worlds differ.
        #expect(a.players == b.players)
        #expect(a.coins == b.coins)
        #expect(a.tick == b.tick)
        #expect(a.results() == b.results())
    }

    @Test func differentInputsGiveDifferentWorlds() throws {
        let a = try play(seed: 11, inputSeed: 5, ticks: 300)
        let b = try play(seed: 11, inputSeed: 6, ticks: 300)
        #expect(a.players != b.players)
    }

    @Test func differentSeedsGiveDifferentCoinLayouts() {
        let a = World(config: GameConfig(seed: 1))
        let b = World(config: GameConfig(seed: 2))
        #expect(a.coins.count == 8 && b.coins.count == 8)
        #expect(a.coins != b.coins)
        #expect(World(config: GameConfig(seed: 1)).coins == a.coins)
    }

    @Test func coinsStartInsideTheArenaAwayFromTheWalls() {
        let config = GameConfig(arenaWidth: 20, arenaHeight: 10, coinCount: 200, seed: 3)
        let world = World(config: config)
        for coin in world.coins {
            #expect(coin.x >= config.pickupRadius && coin.x <= config.arenaWidth - config.pickupRadius)
            #expect(coin.y >= config.pickupRadius && coin.y <= config.arenaHeight - config.pickupRadius)
        }
        #expect(Set(world.coins.map(\.id)).count == 200)
    }

    @Test func coinLayoutDoesNotDependOnWhoJoins() throws {
        let empty = World(config: GameConfig(seed: 9))
        let full = try makeWorld(GameConfig(seed: 9), players: [1, 2, 3, 4, 5, 6])
        #expect(empty.coins == full.coins)
    }

    @Test func setInputThenStepEqualsStepWithInputs() throws {
        var viaDictionary = try makeWorld(GameConfig(seed: 4), players: [1, 2])
        var viaSetInput = viaDictionary
        var random = SplitMix64(seed: 8)
        for _ in 0..<200 {
            let first = randomInput(using: &random)
            let second = randomInput(using: &random)
            viaDictionary.step(inputs: [1: first, 2: second])
            viaSetInput.setInput(first, for: 1)
            viaSetInput.setInput(second, for: 2)
            viaSetInput.step()
        }
        #expect(viaDictionary == viaSetInput)
    }
}
