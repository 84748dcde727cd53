/// The outcome of a match: what a server announces and stores when it ends.
public struct MatchSummary: Sendable, Hashable {
    /// Ticks played.
    public var ticks: UInt32
    /// Every player who joined, best first (by rank, then id).
    public var results: [PlayerResult]
    /// The single top scorer, or `nil` when nobody scored or two or more players share the top score.
    public var winner: PlayerID?

    public init(ticks: UInt32, results: [PlayerResult], winner: PlayerID?) {
        self.ticks = ticks
        self.results = results
        self.winner = winner
    }
}
