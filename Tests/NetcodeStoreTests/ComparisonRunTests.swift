import NetcodeTransport
import Foundation
import Testing
@testable import NetcodeStore

@Suite("Comparison runs")
struct ComparisonRunTests {
    static func point(loss: Double, transport: UpdateTransport, runIndex: Int, delivered: Bool = true) -> ComparisonPoint {
        ComparisonPoint(
            loss: loss,
            transport: transport,
            runIndex: runIndex,
            delivery: delivered ? 1 - loss / 2 : 0,
            latencyP50Ms: delivered ? 20.25 + loss * 100 : nil,
            latencyP99Ms: delivered ? 210.5 : nil,
            latencyP999Ms: delivered ? 415.75 : nil,
            latencyMaxMs: delivered ? 1_200 : nil,
            stalenessP50Ms: delivered ? 55 : nil,
            stalenessP99Ms: delivered ? 260.125 : nil,
            stallsPerMinute: loss * 40,
            longestStallMs: loss * 2_000,
            bytesPerSecond: 24_000.5
        )
    }

    static func run(seed: UInt64, startOffsetMs: Int64, points: [ComparisonPoint]) -> ComparisonRun {
        ComparisonRun(
            startedAt: Fixtures.time(offsetMs: startOffsetMs),
            finishedAt: Fixtures.time(offsetMs: startOffsetMs + 90_000),
            parametersJSON: #"{"losses":[0,0.05,0.2],"repeats":2,"rateHz":30}"#,
            mode: .portable,
            seed: seed,
            notes: "loopback",
            points: points
        )
    }

    @Test("a run and its points read back identical, with the new id")
    func roundTrip() async throws {
        let db = try NetcodeDatabase.inMemory()
        let points = [
            Self.point(loss: 0.2, transport: .udp, runIndex: 0),
            Self.point(loss: 0, transport: .tcp, runIndex: 1),
            Self.point(loss: 0.05, transport: .tcp, runIndex: 0, delivered: false),
        ]
        var run = Self.run(seed: 1 << 63 | 12_345, startOffsetMs: 0, points: points)
        let id = try await db.recordComparisonRun(run)
        run.id = id
        #expect(try await db.comparisonRun(id: id) == run)
        #expect(try await db.comparisonRun(id: id + 1) == nil)
        #expect(try await db.comparisonRuns(limit: 5) == [run])
    }

    @Test("runs are listed newest first and limited")
    func listing() async throws {
        let db = try NetcodeDatabase.inMemory()
        var ids: [Int64] = []
        for seed in UInt64(1)...3 {
            ids.append(try await db.recordComparisonRun(Self.run(
                seed: seed, startOffsetMs: Int64(seed) * 100_000,
                points: [Self.point(loss: 0.1, transport: .udp, runIndex: 0)])))
        }
        #expect(Set(ids).count == 3)
        let listed = try await db.comparisonRuns(limit: 2)
        #expect(listed.map(\.id) == [ids[2], ids[1]])
        #expect(listed.map(\.seed) == [3, 2])
        #expect(listed.allSatisfy { $0.points.count == 1 })
    }

    @Test("a broken run leaves no rows: bad JSON, then a duplicate point")
    func atomic() async throws {
        let db = try NetcodeDatabase.inMemory()
        var badJSON = Self.run(seed: 1, startOffsetMs: 0, points: [Self.point(loss: 0, transport: .udp, runIndex: 0)])
        badJSON.parametersJSON = "{losses: [0.1"
        let duplicate = Self.run(seed: 2, startOffsetMs: 0, points: [
            Self.point(loss: 0.1, transport: .udp, runIndex: 0),
            Self.point(loss: 0.1, transport: .tcp, runIndex: 0),
            Self.point(loss: 0.1, transport: .udp, runIndex: 0),
        ])
        for run in [badJSON, duplicate] {
            let error = await #expect(throws: StoreError.self) { try await db.recordComparisonRun(run) }
            guard case .invalidRecord = error else {
                Issue.record("seed \(run.seed): expected invalidRecord, got \(String(describing: error))")
                continue
            }
        }
        #expect(try await db.rowCount("comparison_runs") == 0)
        #expect(try await db.rowCount("comparison_points") == 0)
    }
}
