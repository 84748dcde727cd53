import GameSimulation

/// How the server runs each match.
public struct MatchSettings: Sendable, Hashable {
    /// Fixed simulation rate, 10 to 128 Hz.
    public var tickRate: Int
    /// A snapshot goes to every player each this many ticks (1 = every tick).
    public var snapshotInterval: Int
    public var durationSeconds: Double
    public var arenaWidth: Int
    public var arenaHeight: Int
    public var coinCount: Int
    /// A player from whom nothing authentic arrives for this long leaves the match.
    public var sessionTimeout: Duration
    /// Seed of the first match; later matches add their match id. nil draws a random seed per match.
    public var seed: UInt64?
    /// Name of the network impairment applied on the server's realtime path, recorded with each result.
    public var networkProfile: String

    public init(
        tickRate: Int = 30,
        snapshotInterval: Int = 1,
        durationSeconds: Double = 60,
        arenaWidth: Int = 64,
        arenaHeight: Int = 64,
        coinCount: Int = 8,
        sessionTimeout: Duration = .seconds(10),
        seed: UInt64? = nil,
        networkProfile: String = "none"
    ) {
        self.tickRate = tickRate
        self.snapshotInterval = snapshotInterval
        self.durationSeconds = durationSeconds
        self.arenaWidth = arenaWidth
        self.arenaHeight = arenaHeight
        self.coinCount = coinCount
        self.sessionTimeout = sessionTimeout
        self.seed = seed
        self.networkProfile = networkProfile
    }

    func gameConfig(seed: UInt64, maxPlayers: Int) -> GameConfig {
        GameConfig(
            arenaWidth: Float(self.arenaWidth),
            arenaHeight: Float(self.arenaHeight),
            tickRate: self.tickRate,
            durationSeconds: self.durationSeconds,
            maxPlayers: max(maxPlayers, 1),
            coinCount: self.coinCount,
            seed: seed
        )
    }

    /// Checks the values a user can set; the message names the option.
    public func validate() throws {
        try self.gameConfig(seed: 0, maxPlayers: 16).validate()
        guard (1...self.tickRate).contains(self.snapshotInterval) else {
            throw MatchSettingsError("the snapshot interval must be between 1 and the tick rate (\(self.tickRate)) ticks")
        }
        guard self.arenaWidth <= Int(UInt16.max), self.arenaHeight <= Int(UInt16.max) else {
            throw MatchSettingsError("the arena is at most 65535 m on a side")
        }
    }
}

public struct MatchSettingsError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
