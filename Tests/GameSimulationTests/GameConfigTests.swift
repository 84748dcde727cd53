import Testing
import GameSimulation

@Suite struct GameConfigTests {
    @Test func defaultsAreValidAndDescribeAMinuteAtThirtyHertz() throws {
        let config = GameConfig()
        try config.validate()
        #expect(config.arenaWidth == 64 && config.arenaHeight == 64)
        #expect(config.tickRate == 30)
        #expect(config.durationTicks == 1800)
        #expect(config.tickDuration == 1.0 / 30.0)
        #expect(config.maxSpeed == 8)
        #expect(config.maxPlayers == 16)
        #expect(config.coinCount == 8)
    }

    @Test func durationTicksRoundsToNearestTick() {
        #expect(GameConfig(tickRate: 30, durationSeconds: 0.5).durationTicks == 15)
        #expect(GameConfig(tickRate: 64, durationSeconds: 1.01).durationTicks == 65)
        #expect(GameConfig(tickRate: 10, durationSeconds: 0.04).durationTicks == 0)
        #expect(GameConfig(durationSeconds: .nan).durationTicks == 0)
        #expect(GameConfig(durationSeconds: .infinity).durationTicks == 0)
        #expect(GameConfig(durationSeconds: 1e12).durationTicks == Int(UInt32.max))
    }

    static let invalidConfigs: [(GameConfig, GameConfigError)] = [
        (GameConfig(tickRate: 9), .tickRateOutOfRange(9)),
        (GameConfig(tickRate: 129), .tickRateOutOfRange(129)),
        (GameConfig(arenaWidth: 0), .arenaSizeOutOfRange(width: 0, height: 64)),
        (GameConfig(arenaHeight: 2000), .arenaSizeOutOfRange(width: 64, height: 2000)),
        (GameConfig(durationSeconds: 0), .durationOutOfRange(seconds: 0)),
        (GameConfig(durationSeconds: -5), .durationOutOfRange(seconds: -5)),
        (GameConfig(durationSeconds: 100_000), .durationOutOfRange(seconds: 100_000)),
        (GameConfig(tickRate: 10, durationSeconds: 0.01), .durationOutOfRange(seconds: 0.01)),
        (GameConfig(maxPlayers: 0), .maxPlayersOutOfRange(0)),
        (GameConfig(maxPlayers: 256), .maxPlayersOutOfRange(256)),
        (GameConfig(coinCount: -1), .coinCountOutOfRange(-1)),
        (GameConfig(coinCount: 5000), .coinCountOutOfRange(5000)),
        (GameConfig(coinValue: 0), .coinValueZero),
        (GameConfig(pickupRadius: 0), .pickupRadiusOutOfRange(0)),
        (GameConfig(pickupRadius: 17), .pickupRadiusOutOfRange(17)),
        (GameConfig(maxSpeed: 0), .maxSpeedOutOfRange(0)),
        (GameConfig(maxSpeed: .infinity), .maxSpeedOutOfRange(.infinity)),
        (GameConfig(friction: -1), .frictionOutOfRange(-1)),
        (GameConfig(acceleration: 10, friction: 12), .accelerationOutOfRange(acceleration: 10, friction: 12)),
        (GameConfig(acceleration: 20_000), .accelerationOutOfRange(acceleration: 20_000, friction: 12)),
    ]

    @Test(arguments: invalidConfigs)
    func invalidValuesAreReported(config: GameConfig, expected: GameConfigError) {
        #expect(throws: expected) {
            try config.validate()
        }
    }

    @Test func nanValuesAreRejected() {
        #expect(throws: GameConfigError.self) { try GameConfig(arenaWidth: .nan).validate() }
        #expect(throws: GameConfigError.self) { try GameConfig(durationSeconds: .nan).validate() }
        #expect(throws: GameConfigError.self) { try GameConfig(pickupRadius: .nan).validate() }
        #expect(throws: GameConfigError.self) { try GameConfig(acceleration: .nan).validate() }
        #expect(throws: GameConfigError.self) { try GameConfig(maxSpeed: .nan).validate() }
        #expect(throws: GameConfigError.self) { try GameConfig(friction: .nan).validate() }
    }

    @Test func boundaryValuesAreAccepted() throws {
        try GameConfig(tickRate: 10).validate()
        try GameConfig(tickRate: 128).validate()
        try GameConfig(arenaWidth: 1, arenaHeight: 1024).validate()
        try GameConfig(maxPlayers: 255).validate()
        try GameConfig(coinCount: 0).validate()
        try GameConfig(friction: 0).validate()
    }

    @Test func messagesNameTheValueAndTheAllowedRange() {
        let tick = GameConfigError.tickRateOutOfRange(200).description
        #expect(tick.contains("200") && tick.contains("10...128"))
        let players = GameConfigError.maxPlayersOutOfRange(300).description
        #expect(players.contains("300") && players.contains("1...255"))
        let acceleration = GameConfigError.accelerationOutOfRange(acceleration: 5, friction: 12).description
        #expect(acceleration.contains("friction"))
    }

    @Test func withSeedChangesOnlyTheSeed() {
        let config = GameConfig(arenaWidth: 32, tickRate: 60, seed: 1)
        let reseeded = config.withSeed(2)
        #expect(reseeded.seed == 2)
        #expect(reseeded.withSeed(1) == config)
        #expect(reseeded != config)
    }
}
