internal import GRDB

extension NetcodeDatabase {
    /// The best accounts among those that played at least one recorded match: most wins first,
    /// then highest total score, then name (ignoring case) and id, so equal standings always come
    /// out in the same order.
    public func leaderboard(limit: Int) async throws -> [LeaderboardEntry] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT a.id AS account_id,
                           a.name AS name,
                           COUNT(*) AS matches_played,
                           SUM(m.winner_account_id IS a.id) AS wins,
                           SUM(p.score) AS total_score,
                           MAX(p.score) AS best_score
                    FROM match_players AS p
                    JOIN accounts AS a ON a.id = p.account_id
                    JOIN matches AS m ON m.id = p.match_id
                    GROUP BY a.id
                    ORDER BY wins DESC, total_score DESC, a.name COLLATE NOCASE, a.id
                    LIMIT ?
                    """,
                arguments: [max(limit, 0)]
            ).map { row in
                LeaderboardEntry(
                    accountID: row["account_id"],
                    name: row["name"],
                    matchesPlayed: row["matches_played"],
                    wins: row["wins"],
                    totalScore: row["total_score"],
                    bestScore: row["best_score"]
                )
            }
        }
    }
}
