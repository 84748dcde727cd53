/// Identifies a player within one match. Up to 255 players take part in a match.
public typealias PlayerID = UInt8

/// Everything the game knows about one player: what a snapshot sends and what results are built from.
public struct PlayerState: Sendable, Hashable {
    public var id: PlayerID
    /// Position in meters; `0 ... arenaWidth`.
    public var x: Float
    /// Position in meters; `0 ... arenaHeight`.
    public var y: Float
    /// Velocity in meters per second.
    public var vx: Float
    /// Velocity in meters per second.
    public var vy: Float
    /// Sum of the values of the coins collected; stops at `UInt16.max` instead of wrapping.
    public var score: UInt16
    /// `false` once the player left: it stays in the match and its results but no longer moves or scores.
    public var connected: Bool
    /// Number of coins picked up, counted even after `score` saturates.
    public var coinsCollected: Int

    public init(
        id: PlayerID,
        x: Float,
        y: Float,
        vx: Float = 0,
        vy: Float = 0,
        score: UInt16 = 0,
        connected: Bool = true,
        coinsCollected: Int = 0
    ) {
        self.id = id
        self.x = x
        self.y = y
        self.vx = vx
        self.vy = vy
        self.score = score
        self.connected = connected
        self.coinsCollected = coinsCollected
    }

    /// Current speed in meters per second.
    public var speed: Float {
        (vx * vx + vy * vy).squareRoot()
    }
}
