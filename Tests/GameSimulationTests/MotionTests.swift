import Testing
@testable import GameSimulation

@Suite struct MotionTests {
    let config = GameConfig()

    /// Allows for the last bit of rounding when a velocity is scaled down to the limit.
    var speedTolerance: Float { config.maxSpeed * 1e-6 }

    @Test func stickAcceleratesInItsDirection() {
        var player = PlayerState(id: 1, x: 32, y: 32)
        player.move(with: PlayerInput(moveX: 127, moveY: 0), config: config)
        let dt = Float(1) / 30
        // One tick: acceleration minus friction, applied for dt.
        #expect(abs(player.vx - (config.acceleration - config.friction) * dt) < 1e-5)
        #expect(player.vy == 0)
        #expect(player.x > 32)
        #expect(player.y == 32)
    }

    @Test func fullStickReachesAndHoldsMaxSpeed() {
        var player = PlayerState(id: 1, x: 1, y: 32)
        for _ in 0..<30 {
            player.move(with: PlayerInput(moveX: 127, moveY: 0), config: config)
        }
        #expect(abs(player.speed - config.maxSpeed) <= speedTolerance)
    }

    @Test func diagonalIsNoFasterThanStraight() {
        var straight = PlayerState(id: 1, x: 32, y: 32)
        var diagonal = PlayerState(id: 2, x: 32, y: 32)
        for _ in 0..<3 {
            straight.move(with: PlayerInput(moveX: 127, moveY: 0), config: config)
            diagonal.move(with: PlayerInput(moveX: 127, moveY: 127), config: config)
        }
        #expect(abs(diagonal.speed - straight.speed) < 1e-4)
        #expect(diagonal.vx > 0 && diagonal.vy > 0)
    }

    @Test func frictionStopsAPlayerWhoLetsGo() {
        var player = PlayerState(id: 1, x: 32, y: 32, vx: config.maxSpeed, vy: 0)
        // Full speed to rest takes maxSpeed / friction seconds: 8 / 12 s, 20 ticks at 30 Hz, one more for rounding.
        for _ in 0..<21 {
            player.move(with: .idle, config: config)
            #expect(player.vx >= 0)
        }
        #expect(player.vx == 0 && player.vy == 0)
        let stoppedAt = player.x
        player.move(with: .idle, config: config)
        #expect(player.x == stoppedAt)
    }

    @Test func wallStopsMotionIntoItButNotAlongIt() {
        var player = PlayerState(id: 1, x: 63.9, y: 32, vx: 8, vy: 4)
        player.move(with: PlayerInput(moveX: 127, moveY: 60), config: config)
        #expect(player.x == config.arenaWidth)
        #expect(player.vx == 0)
        #expect(player.vy > 0)
        #expect(player.y > 32)
    }

    @Test func everyWallHoldsAPlayerPushingIntoIt() {
        let pushes: [(PlayerInput, (PlayerState) -> Bool)] = [
            (PlayerInput(moveX: -128, moveY: 0), { $0.x == 0 && $0.vx == 0 }),
            (PlayerInput(moveX: 127, moveY: 0), { $0.x == 64 && $0.vx == 0 }),
            (PlayerInput(moveX: 0, moveY: -128), { $0.y == 0 && $0.vy == 0 }),
            (PlayerInput(moveX: 0, moveY: 127), { $0.y == 64 && $0.vy == 0 }),
        ]
        for (push, isHeldByWall) in pushes {
            var player = PlayerState(id: 1, x: 32, y: 32)
            for _ in 0..<(30 * 6) {
                player.move(with: push, config: config)
            }
            #expect(isHeldByWall(player), "\(push) left the player at \(player)")
        }
    }

    @Test func disconnectedPlayerDoesNotMove() {
        var player = PlayerState(id: 1, x: 10, y: 10, vx: 5, vy: 5, connected: false)
        let before = player
        player.move(with: PlayerInput(moveX: 127, moveY: 127), config: config)
        #expect(player == before)
    }

    @Test(arguments: [UInt64(1), 2, 3, 4])
    func fuzzedInputsKeepPlayersInsideAndUnderMaxSpeed(seed: UInt64) throws {
        // A small arena and a high speed limit make wall contacts frequent.
        let config = GameConfig(
            arenaWidth: 6, arenaHeight: 3, tickRate: 10, durationSeconds: 200,
            acceleration: 200, maxSpeed: 40, friction: 5, seed: seed
        )
        var world = try makeWorld(config, players: [1, 2, 3, 4, 5])
        var random = SplitMix64(seed: seed &* 31)
        var wallContacts = 0
        while !world.isFinished {
            var inputs: [PlayerID: PlayerInput] = [:]
            for id: PlayerID in 1...5 where random.next() % 4 != 0 {
                inputs[id] = randomInput(using: &random)
            }
            world.step(inputs: inputs)
            for player in world.players {
                #expect(player.x >= 0 && player.x <= config.arenaWidth)
                #expect(player.y >= 0 && player.y <= config.arenaHeight)
                #expect(player.speed <= config.maxSpeed * (1 + 1e-6))
                #expect(player.x.isFinite && player.y.isFinite)
                // On a wall, no velocity may point out of the arena.
                if player.x == 0 { #expect(player.vx >= 0) }
                if player.x == config.arenaWidth { #expect(player.vx <= 0) }
                if player.y == 0 { #expect(player.vy >= 0) }
                if player.y == config.arenaHeight { #expect(player.vy <= 0) }
                if player.x == 0 || player.x == config.arenaWidth || player.y == 0
                    || player.y == config.arenaHeight
                {
                    wallContacts += 1
                }
            }
        }
        // The fuzz must actually have pushed players into the walls to prove anything.
        #expect(wallContacts > 100)
    }
}
