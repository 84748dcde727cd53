import NetcodeTransport

internal import GRDB

/// Decoding from database rows; column names and units are in docs/DATABASE.md.
extension ComparisonRun {
    init(row: Row, points: [ComparisonPoint]) throws {
        let mode: String = row["mode"]
        guard let kind = ComparisonMode(rawValue: mode) else {
            throw StoreError.invalidRecord(detail: "comparison run \(row["id"] as Int64) has unknown mode \"\(mode)\"")
        }
        self.init(
            id: row["id"],
            startedAt: StoredTime.date(row["started_at"]),
            finishedAt: StoredTime.date(row["finished_at"]),
            parametersJSON: row["parameters_json"],
            mode: kind,
            seed: UInt64(bitPattern: row["seed"]),
            notes: row["notes"],
            points: points
        )
    }
}

extension ComparisonPoint {
    init(row: Row) throws {
        let transport: String = row["transport"]
        guard let kind = UpdateTransport(name: transport) else {
            throw StoreError.invalidRecord(detail: "comparison point has unknown transport \"\(transport)\"")
        }
        self.init(
            loss: row["loss"],
            transport: kind,
            runIndex: row["run_index"],
            delivery: row["delivery"],
            latencyP50Ms: row["latency_p50_ms"],
            latencyP99Ms: row["latency_p99_ms"],
            latencyP999Ms: row["latency_p999_ms"],
            latencyMaxMs: row["latency_max_ms"],
            stalenessP50Ms: row["staleness_p50_ms"],
            stalenessP99Ms: row["staleness_p99_ms"],
            stallsPerMinute: row["stalls_per_minute"],
            longestStallMs: row["longest_stall_ms"],
            bytesPerSecond: row["bytes_per_second"]
        )
    }
}
