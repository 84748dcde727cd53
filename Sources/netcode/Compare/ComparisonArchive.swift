import Comparison
import Foundation
import NetcodeStore

/// Stores comparison runs in SQLite and reads them back as results.
public struct ComparisonArchive: Sendable {
    public let database: NetcodeDatabase

    public init(database: NetcodeDatabase) {
        self.database = database
    }

    /// Stores a run with its raw per-run figures; returns the run id.
    public func store(_ result: ComparisonReport, measurements: [ComparisonRunner.Measurement]) async throws -> Int64 {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let parameters = String(decoding: try encoder.encode(result.parameters), as: UTF8.self)
        let points = measurements.map(\.stored)
        let run = NetcodeStore.ComparisonRun(
            id: nil,
            startedAt: result.startedAt,
            finishedAt: result.finishedAt,
            parametersJSON: parameters,
            mode: result.mode == .lab ? .lab : .portable,
            seed: result.parameters.seed,
            notes: result.modeNote,
            points: points
        )
        return try await self.database.recordComparisonRun(run)
    }

    /// A stored run as a result, ready to render again.
    public func result(id: Int64) async throws -> ComparisonReport? {
        guard let run = try await self.database.comparisonRun(id: id) else { return nil }
        return try Self.result(from: run)
    }

    public func recent(limit: Int) async throws -> [ComparisonReport] {
        try await self.database.comparisonRuns(limit: limit).map(Self.result(from:))
    }

    static func result(from run: NetcodeStore.ComparisonRun) throws -> ComparisonReport {
        let parameters = try JSONDecoder().decode(ComparisonParameters.self, from: Data(run.parametersJSON.utf8))
        let mode: ComparisonReport.Mode = run.mode == .lab ? .lab : .portable
        return ComparisonReport(
            mode: mode,
            modeNote: run.notes,
            parameters: parameters,
            startedAt: run.startedAt,
            finishedAt: run.finishedAt,
            points: ComparisonRunner.points(from: run.points, impairsTCP: mode == .lab),
            runID: run.id
        )
    }
}
