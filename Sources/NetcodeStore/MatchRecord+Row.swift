import NetcodeTransport

internal import GRDB

/// Decoding from database rows; column names and units are in docs/DATABASE.md.
extension MatchRecord {
    init(row: Row, players: [MatchPlayerRecord]) throws {
        let transport: String = row["transport"]
        guard let kind = UpdateTransport(name: transport) else {
            throw StoreError.invalidRecord(detail: "match \(row["id"] as Int64) has unknown transport \"\(transport)\"")
        }
        self.init(
            id: row["id"],
            roomName: row["room_name"],
            startedAt: StoredTime.date(row["started_at"]),
            endedAt: StoredTime.date(row["ended_at"]),
            tickRate: row["tick_rate"],
            durationTicks: row["duration_ticks"],
            transport: kind,
            networkProfile: row["network_profile"],
            seed: UInt64(bitPattern: row["seed"]),
            winnerAccountID: row["winner_account_id"],
            players: players
        )
    }
}

extension MatchPlayerRecord {
    init(row: Row) {
        self.init(
            accountID: row["account_id"],
            playerIndex: row["player_index"],
            name: row["name"],
            score: row["score"],
            rank: row["rank"],
            connectedAtEnd: row["connected_at_end"],
            inputsReceived: row["inputs_received"],
            snapshotsSent: row["snapshots_sent"],
            lossUp: row["loss_up"],
            lossDown: row["loss_down"],
            rttMs: row["rtt_ms"]
        )
    }
}
