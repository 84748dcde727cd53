import Foundation
internal import GRDB

extension NetcodeDatabase {
    /// Writes a finished match and all its players in one transaction: either all of it is
    /// stored or none of it.
    ///
    /// - Throws: ``StoreError/matchIDTaken(id:)`` when the id was recorded before;
    ///   ``StoreError/unknownAccounts(matchID:accountIDs:)`` when a player or the winner has no
    ///   account; ``StoreError/invalidRecord(detail:)`` when the winner is not one of the players,
    ///   two players share an account or an index, or a value is out of range (a loss outside
    ///   0...1, a NaN, `endedAt` before `startedAt`, ...).
    public func recordMatch(_ match: MatchRecord) async throws {
        if let winner = match.winnerAccountID, !match.players.contains(where: { $0.accountID == winner }) {
            throw StoreError.invalidRecord(
                detail: "winner account \(winner) is not one of the players of match \(match.id)")
        }
        do {
            try await writer.write { db in
                if try Bool.fetchOne(db, sql: "SELECT 1 FROM matches WHERE id = ?", arguments: [match.id]) == true {
                    throw StoreError.matchIDTaken(id: match.id)
                }
                try Self.insert(match, db)
                for player in match.players {
                    try Self.insert(player, matchID: match.id, db)
                }
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_FOREIGNKEY {
            // The transaction is rolled back already; look up which ids were at fault so the
            // message names them.
            let named = Set(match.players.map(\.accountID) + [match.winnerAccountID].compactMap { $0 })
            let missing = try await read { db in
                try named.sorted().filter { id in
                    try !Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM accounts WHERE id = ?)", arguments: [id])!
                }
            }
            throw StoreError.unknownAccounts(matchID: match.id, accountIDs: missing)
        } catch {
            throw StoreError.wrapping(error)
        }
    }

    /// The most recently ended matches, newest first, each with its players.
    ///
    /// Matches that ended in the same millisecond come highest id first.
    public func recentMatches(limit: Int) async throws -> [MatchRecord] {
        try await read { db in
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT * FROM matches ORDER BY ended_at DESC, id DESC LIMIT ?",
                arguments: [max(limit, 0)]
            )
            return try rows.map { try MatchRecord(row: $0, players: Self.players(ofMatch: $0["id"], db)) }
        }
    }

    /// The match with this id and its players, or `nil`.
    public func match(id: Int64) async throws -> MatchRecord? {
        try await read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM matches WHERE id = ?", arguments: [id]) else {
                return nil
            }
            return try MatchRecord(row: row, players: Self.players(ofMatch: id, db))
        }
    }

    /// The id for the next match: one more than the highest recorded, or 1 in an empty database.
    ///
    /// Call it once when the server starts and count up in memory from there: matches running
    /// side by side are recorded only when they end, so asking again before then would hand out
    /// the same id twice.
    public func nextMatchID() async throws -> Int64 {
        try await read { db in
            try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) + 1 FROM matches")!
        }
    }

    private static func insert(_ match: MatchRecord, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO matches
                    (id, room_name, started_at, ended_at, tick_rate, duration_ticks,
                     transport, network_profile, seed, winner_account_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                match.id, match.roomName,
                StoredTime.milliseconds(match.startedAt), StoredTime.milliseconds(match.endedAt),
                match.tickRate, match.durationTicks, match.transport.name, match.networkProfile,
                Int64(bitPattern: match.seed), match.winnerAccountID,
            ]
        )
    }

    private static func insert(_ player: MatchPlayerRecord, matchID: Int64, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO match_players
                    (match_id, account_id, player_index, name, score, rank, connected_at_end,
                     inputs_received, snapshots_sent, loss_up, loss_down, rtt_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                matchID, player.accountID, player.playerIndex, player.name, player.score, player.rank,
                player.connectedAtEnd, player.inputsReceived, player.snapshotsSent,
                player.lossUp, player.lossDown, player.rttMs,
            ]
        )
    }

    private static func players(ofMatch matchID: Int64, _ db: Database) throws -> [MatchPlayerRecord] {
        try Row.fetchAll(
            db,
            sql: "SELECT * FROM match_players WHERE match_id = ? ORDER BY player_index",
            arguments: [matchID]
        ).map(MatchPlayerRecord.init(row:))
    }
}
