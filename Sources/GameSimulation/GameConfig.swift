/// The rules and size of one match. Distances are in meters, times in seconds.
///
/// Build one with the defaults you do not care about, then call `validate()` before handing it to
/// `World`: the initializer accepts any values so that a bad configuration read from a file or a
/// command line is reported as an error instead of stopping the process.
public struct GameConfig: Sendable, Hashable {
    /// Arena size along x, in meters. Valid: `1 ... 1024`.
    public let arenaWidth: Float
    /// Arena size along y, in meters. Valid: `1 ... 1024`.
    public let arenaHeight: Float
    /// Simulation steps per second. Valid: `10 ... 128`.
    public let tickRate: Int
    /// Match length in seconds. Valid: more than 0, at most one day, and at least one tick.
    public let durationSeconds: Double
    /// Most players that may join, including those who left. Valid: `1 ... 255`.
    public let maxPlayers: Int
    /// Coins present at once; a picked coin is replaced at once. Valid: `0 ... 1024`.
    public let coinCount: Int
    /// Points a coin is worth. Valid: at least 1.
    public let coinValue: UInt16
    /// A player collects a coin when their centers are at most this far apart, in meters.
    /// Valid: more than 0 and at most 16.
    public let pickupRadius: Float
    /// Acceleration from a fully pushed stick, in m/s². Valid: more than `friction`, at most 10 000.
    public let acceleration: Float
    /// Speed limit in m/s. Valid: more than 0, at most 1000.
    public let maxSpeed: Float
    /// Constant deceleration opposing motion, in m/s²; it is what stops a player who lets go of the
    /// stick. Valid: `0 ..< acceleration`.
    public let friction: Float
    /// Seeds every random choice of the match (spawn points, coin places).
    public let seed: UInt64

    /// Creates a configuration; every parameter has a default that makes a playable match.
    ///
    /// - Parameters:
    ///   - arenaWidth: Arena size along x, meters (64).
    ///   - arenaHeight: Arena size along y, meters (64).
    ///   - tickRate: Steps per second (30).
    ///   - durationSeconds: Match length, seconds (60).
    ///   - maxPlayers: Player limit (16).
    ///   - coinCount: Coins present at once (8).
    ///   - coinValue: Points per coin (1).
    ///   - pickupRadius: Pickup distance, meters (1).
    ///   - acceleration: Stick acceleration, m/s² (40).
    ///   - maxSpeed: Speed limit, m/s (8).
    ///   - friction: Deceleration, m/s² (12): a player at full speed stops in about 0.7 s.
    ///   - seed: Random seed (0).
    public init(
        arenaWidth: Float = 64,
        arenaHeight: Float = 64,
        tickRate: Int = 30,
        durationSeconds: Double = 60,
        maxPlayers: Int = 16,
        coinCount: Int = 8,
        coinValue: UInt16 = 1,
        pickupRadius: Float = 1,
        acceleration: Float = 40,
        maxSpeed: Float = 8,
        friction: Float = 12,
        seed: UInt64 = 0
    ) {
        self.arenaWidth = arenaWidth
        self.arenaHeight = arenaHeight
        self.tickRate = tickRate
        self.durationSeconds = durationSeconds
        self.maxPlayers = maxPlayers
        self.coinCount = coinCount
        self.coinValue = coinValue
        self.pickupRadius = pickupRadius
        self.acceleration = acceleration
        self.maxSpeed = maxSpeed
        self.friction = friction
        self.seed = seed
    }

    /// Length of one tick in seconds.
    public var tickDuration: Double {
        1 / Double(tickRate)
    }

    /// Number of ticks in a match: `durationSeconds * tickRate`, rounded to the nearest tick.
    ///
    /// Never traps: an unusable duration (not finite, or under half a tick) gives 0, which `validate()`
    /// reports; a huge finite one is capped at `UInt32.max`, the largest tick number.
    public var durationTicks: Int {
        let ticks = (durationSeconds * Double(tickRate)).rounded()
        guard ticks.isFinite, ticks > 0 else { return 0 }
        return ticks >= Double(UInt32.max) ? Int(UInt32.max) : Int(ticks)
    }

    /// One tick in seconds as the `Float` the physics uses.
    var tickSeconds: Float {
        1 / Float(tickRate)
    }

    /// Returns a copy with another seed: the usual way to start the next match with the same rules.
    public func withSeed(_ seed: UInt64) -> GameConfig {
        GameConfig(
            arenaWidth: arenaWidth,
            arenaHeight: arenaHeight,
            tickRate: tickRate,
            durationSeconds: durationSeconds,
            maxPlayers: maxPlayers,
            coinCount: coinCount,
            coinValue: coinValue,
            pickupRadius: pickupRadius,
            acceleration: acceleration,
            maxSpeed: maxSpeed,
            friction: friction,
            seed: seed
        )
    }
}
