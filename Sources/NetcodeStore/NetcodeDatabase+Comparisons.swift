import Foundation
internal import GRDB

extension NetcodeDatabase {
    /// Writes a comparison run and all its points in one transaction and returns the run's new id.
    ///
    /// `run.id` is ignored: ids are assigned here and never reused, even after a run is deleted.
    /// - Throws: ``StoreError/invalidRecord(detail:)`` when `parametersJSON` is not valid JSON,
    ///   two points share (transport, loss, runIndex), or a value is out of range.
    public func recordComparisonRun(_ run: ComparisonRun) async throws -> Int64 {
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO comparison_runs (started_at, finished_at, parameters_json, mode, seed, notes)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    StoredTime.milliseconds(run.startedAt), StoredTime.milliseconds(run.finishedAt),
                    run.parametersJSON, run.mode.rawValue, Int64(bitPattern: run.seed), run.notes,
                ]
            )
            let runID = db.lastInsertedRowID
            for point in run.points {
                try Self.insert(point, runID: runID, db)
            }
            return runID
        }
    }

    /// The most recent comparison runs, newest first (by id), each with its points.
    public func comparisonRuns(limit: Int) async throws -> [ComparisonRun] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM comparison_runs ORDER BY id DESC LIMIT ?",
                arguments: [max(limit, 0)]
            ).map { try ComparisonRun(row: $0, points: Self.points(ofRun: $0["id"], db)) }
        }
    }

    /// The comparison run with this id and its points, or `nil`.
    public func comparisonRun(id: Int64) async throws -> ComparisonRun? {
        try await read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM comparison_runs WHERE id = ?", arguments: [id]) else {
                return nil
            }
            return try ComparisonRun(row: row, points: Self.points(ofRun: id, db))
        }
    }

    private static func insert(_ point: ComparisonPoint, runID: Int64, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO comparison_points
                    (run_id, loss, transport, run_index, delivery,
                     latency_p50_ms, latency_p99_ms, latency_p999_ms, latency_max_ms,
                     staleness_p50_ms, staleness_p99_ms,
                     stalls_per_minute, longest_stall_ms, bytes_per_second)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                runID, point.loss, point.transport.name, point.runIndex, point.delivery,
                point.latencyP50Ms, point.latencyP99Ms, point.latencyP999Ms, point.latencyMaxMs,
                point.stalenessP50Ms, point.stalenessP99Ms,
                point.stallsPerMinute, point.longestStallMs, point.bytesPerSecond,
            ]
        )
    }

    private static func points(ofRun runID: Int64, _ db: Database) throws -> [ComparisonPoint] {
        try Row.fetchAll(
            db,
            sql: "SELECT * FROM comparison_points WHERE run_id = ? ORDER BY id",
            arguments: [runID]
        ).map(ComparisonPoint.init(row:))
    }
}
