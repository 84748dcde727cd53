extension GameConfig {
    static let tickRateRange = 10...128
    static let arenaSideRange: ClosedRange<Float> = 1...1024
    /// One day: a longer match is a mistake, and the tick counter must not come near `UInt32.max`.
    static let maxDurationSeconds: Double = 86_400
    /// `PlayerID` is a `UInt8`; 255 players leave one id value free for callers that need a sentinel.
    static let playerLimit = 255
    /// Keeps the O(players × coins) pickup pass cheap.
    static let coinLimit = 1024
    static let maxPickupRadius: Float = 16
    static let speedLimit: Float = 1000
    static let accelerationLimit: Float = 10_000

    /// Checks that a match can run with these values; throws the first problem found.
    ///
    /// `World(config:)` requires a configuration that passes this check.
    public func validate() throws(GameConfigError) {
        guard Self.tickRateRange.contains(tickRate) else {
            throw .tickRateOutOfRange(tickRate)
        }
        guard Self.arenaSideRange.contains(arenaWidth), Self.arenaSideRange.contains(arenaHeight) else {
            throw .arenaSizeOutOfRange(width: arenaWidth, height: arenaHeight)
        }
        guard durationSeconds > 0, durationSeconds <= Self.maxDurationSeconds, durationTicks >= 1 else {
            throw .durationOutOfRange(seconds: durationSeconds)
        }
        guard (1...Self.playerLimit).contains(maxPlayers) else {
            throw .maxPlayersOutOfRange(maxPlayers)
        }
        guard (0...Self.coinLimit).contains(coinCount) else {
            throw .coinCountOutOfRange(coinCount)
        }
        guard coinValue > 0 else {
            throw .coinValueZero
        }
        guard pickupRadius > 0, pickupRadius <= Self.maxPickupRadius else {
            throw .pickupRadiusOutOfRange(pickupRadius)
        }
        guard maxSpeed > 0, maxSpeed <= Self.speedLimit else {
            throw .maxSpeedOutOfRange(maxSpeed)
        }
        guard friction >= 0, friction.isFinite else {
            throw .frictionOutOfRange(friction)
        }
        guard acceleration > friction, acceleration <= Self.accelerationLimit else {
            throw .accelerationOutOfRange(acceleration: acceleration, friction: friction)
        }
    }
}
