extension World {
    /// The standings of every player who joined, connected or not, best first (by rank, then id).
    ///
    /// Ranks follow score alone: leaving the match does not forfeit the points already earned.
    /// Meant for the end of a match or an occasional scoreboard; it sorts, so it allocates.
    public func results() -> [PlayerResult] {
        let ordered = players.sorted { lhs, rhs in
            lhs.score != rhs.score ? lhs.score > rhs.score : lhs.id < rhs.id
        }
        var results: [PlayerResult] = []
        results.reserveCapacity(ordered.count)
        for (position, player) in ordered.enumerated() {
            // Sorted by score, so equal scores are adjacent: a tie takes the rank of the first of its group.
            let rank = position > 0 && ordered[position - 1].score == player.score
                ? results[position - 1].rank
                : position + 1
            results.append(
                PlayerResult(
                    id: player.id,
                    score: player.score,
                    rank: rank,
                    connected: player.connected,
                    coinsCollected: player.coinsCollected
                )
            )
        }
        return results
    }

    /// The player with the highest score, if exactly one player has it and it is above 0.
    ///
    /// `nil` means no winner: nobody scored, or the top score is shared (a draw). Players who left
    /// can win with the points they earned before leaving.
    public var winner: PlayerID? {
        var best: PlayerState?
        var shared = false
        for player in players {
            guard let current = best else {
                best = player
                continue
            }
            if player.score > current.score {
                best = player
                shared = false
            } else if player.score == current.score {
                shared = true
            }
        }
        guard let best, best.score > 0, !shared else { return nil }
        return best.id
    }

    /// Results, winner and length of the match, as of now.
    public func summary() -> MatchSummary {
        MatchSummary(ticks: tick, results: results(), winner: winner)
    }
}
