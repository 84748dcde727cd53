/// One account's standing over every recorded match it played.
public struct LeaderboardEntry: Sendable, Hashable {
    public var accountID: Int64
    /// The account's current name (a match keeps the name used at the time).
    public var name: String
    public var matchesPlayed: Int
    public var wins: Int
    public var totalScore: Int
    public var bestScore: Int

    public init(accountID: Int64, name: String, matchesPlayed: Int, wins: Int, totalScore: Int, bestScore: Int) {
        self.accountID = accountID
        self.name = name
        self.matchesPlayed = matchesPlayed
        self.wins = wins
        self.totalScore = totalScore
        self.bestScore = bestScore
    }
}
