/// One player's line in the final (or current) standings of a match.
public struct PlayerResult: Sendable, Hashable {
    public var id: PlayerID
    public var score: UInt16
    /// 1 is best. Equal scores share a rank and the next rank skips ("1, 1, 3": standard competition
    /// ranking), so a rank always says how many players did strictly better, plus one.
    public var rank: Int
    /// `false` if the player left before the end; their points still count.
    public var connected: Bool
    public var coinsCollected: Int

    public init(id: PlayerID, score: UInt16, rank: Int, connected: Bool, coinsCollected: Int) {
        self.id = id
        self.score = score
        self.rank = rank
        self.connected = connected
        self.coinsCollected = coinsCollected
    }
}
