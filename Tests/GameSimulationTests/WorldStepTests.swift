import Testing
@testable import GameSimulation

@Suite struct WorldStepTests {
    @Test func missingInputRepeatsThePreviousOne() throws {
        let push = PlayerInput(moveX: 90, moveY: -40)
        var repeated = try makeWorld(GameConfig(seed: 8), players: [1, 2])
        var sentEveryTick = repeated
        repeated.step(inputs: [1: push, 2: push])
        sentEveryTick.step(inputs: [1: push, 2: push])
        for tick in 0..<20 {
            // Player 1's packets are lost on odd ticks; player 2's arrive.
            repeated.step(inputs: tick % 2 == 0 ? [1: push, 2: push] : [2: push])
            sentEveryTick.step(inputs: [1: push, 2: push])
        }
        #expect(repeated == sentEveryTick)
        #expect(repeated.currentInput(of: 1) == push)

        // And a missing input is not read as letting go of the stick.
        var released = try makeWorld(GameConfig(seed: 8), players: [1, 2])
        released.step(inputs: [1: push])
        released.step(inputs: [1: .idle])
        var kept = try makeWorld(GameConfig(seed: 8), players: [1, 2])
        kept.step(inputs: [1: push])
        kept.step(inputs: [:])
        #expect(kept.player(1) != released.player(1))
    }

    @Test func aNewInputReplacesTheOldOne() throws {
        var world = try makeWorld(GameConfig(seed: 8), players: [1])
        world.step(inputs: [1: PlayerInput(moveX: 127, moveY: 0)])
        world.step(inputs: [1: .idle])
        #expect(world.currentInput(of: 1) == .idle)
        #expect(world.currentInput(of: 9) == nil)
    }

    @Test func inputsForUnknownPlayersAreIgnored() throws {
        var withStranger = try makeWorld(GameConfig(seed: 8), players: [1])
        var without = withStranger
        withStranger.step(inputs: [1: PlayerInput(moveX: 5, moveY: 5), 99: PlayerInput(moveX: 127, moveY: 127)])
        without.step(inputs: [1: PlayerInput(moveX: 5, moveY: 5)])
        #expect(withStranger == without)
    }

    @Test func matchFinishesAtDurationTicksAndThenStandsStill() throws {
        let config = GameConfig(tickRate: 20, durationSeconds: 1.5, seed: 4)
        #expect(config.durationTicks == 30)
        var world = try makeWorld(config, players: [1])
        for step in 0..<30 {
            #expect(!world.isFinished)
            #expect(world.remainingTicks == 30 - step)
            world.step(inputs: [1: PlayerInput(moveX: 127, moveY: 127)])
        }
        #expect(world.isFinished)
        #expect(world.tick == 30)
        #expect(world.remainingTicks == 0)
        let final = world
        world.step(inputs: [1: PlayerInput(moveX: -127, moveY: 0)])
        world.step()
        #expect(world == final)
    }

    @Test func tickCountsSteps() throws {
        var world = try makeWorld(players: [1])
        #expect(world.tick == 0)
        for expected in 1...5 {
            world.step()
            #expect(world.tick == UInt32(expected))
        }
    }
}
