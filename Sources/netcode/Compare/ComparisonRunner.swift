import BotSwarm
import Comparison
import Foundation
import LinkEmulator
import NetcodeProtocol
import NetcodeStore

/// Runs the sweep: every loss level, both transports, `runs` times, through one point runner; builds the
/// result and stores it.
public struct ComparisonRunner: Sendable {
    public let parameters: ComparisonParameters
    public let runner: any PointRunner
    public let mode: ComparisonReport.Mode
    public let modeNote: String

    public init(parameters: ComparisonParameters, runner: any PointRunner, mode: ComparisonReport.Mode, modeNote: String) {
        self.parameters = parameters
        self.runner = runner
        self.mode = mode
        self.modeNote = modeNote
    }

    /// The link at one loss level: the sweep's base delay and jitter, the extra parameters, and the loss,
    /// the same both ways.
    public func link(loss: Double) throws -> LinkProfile {
        var spec = "latency=\(Self.format(self.parameters.latencyMs))ms,jitter=\(Self.format(self.parameters.jitterMs))ms,loss=\(Self.format(loss * 100))%"
        if !self.parameters.extraImpairment.isEmpty { spec += "," + self.parameters.extraImpairment }
        let direction = try ImpairmentProfile.parse(spec)
        return LinkProfile.symmetric(name: "loss \(Self.format(loss * 100))%", about: spec, direction)
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%g", value)
    }

    /// One measured run of a point, kept raw (the database stores these).
    public struct Measurement: Sendable {
        public var loss: Double
        public var transport: UpdateTransport
        public var runIndex: Int
        public var report: SwarmReport

        /// The run's figures as the database keeps them.
        public var stored: NetcodeStore.ComparisonPoint {
            NetcodeStore.ComparisonPoint(
                loss: self.loss,
                transport: self.transport,
                runIndex: self.runIndex,
                delivery: self.report.deliveryRatio ?? 0,
                latencyP50Ms: self.report.snapshotLatencyMs.p50,
                latencyP99Ms: self.report.snapshotLatencyMs.p99,
                latencyP999Ms: self.report.snapshotLatencyMs.p999,
                latencyMaxMs: self.report.snapshotLatencyMs.max,
                stalenessP50Ms: self.report.stalenessMs.p50,
                stalenessP99Ms: self.report.stalenessMs.p99,
                stallsPerMinute: self.report.stalls.perMinute,
                longestStallMs: self.report.stalls.longestMs,
                bytesPerSecond: self.report.perBot.sentBytesPerSecond + self.report.perBot.receivedBytesPerSecond
            )
        }
    }

    public func run(progress: @escaping @Sendable (String) -> Void) async throws -> (ComparisonReport, [Measurement]) {
        let startedAt = Date()
        var measurements: [Measurement] = []
        let total = self.parameters.losses.count * 2 * self.parameters.runs
        var done = 0
        for runIndex in 0..<self.parameters.runs {
            for loss in self.parameters.losses {
                for transport in [UpdateTransport.udp, .tcp] {
                    done += 1
                    let label = String(format: "point %d/%d: loss %@%% %@ run %d/%d", done, total, Self.format(loss * 100), "\(transport)", runIndex + 1, self.parameters.runs)
                    progress(label + " starting")
                    let spec = PointSpec(
                        loss: loss, transport: transport, link: try self.link(loss: loss), runIndex: runIndex,
                        seed: self.parameters.seed &+ UInt64(runIndex) &* 1_000, parameters: self.parameters
                    )
                    let report = try await self.runner.run(spec) { line in progress(label + "  " + line) }
                    measurements.append(Measurement(loss: loss, transport: transport, runIndex: runIndex, report: report))
                }
            }
        }
        let result = ComparisonReport(
            mode: self.mode,
            modeNote: self.modeNote,
            parameters: self.parameters,
            startedAt: startedAt,
            finishedAt: Date(),
            points: Self.points(from: measurements.map(\.stored), impairsTCP: self.runner.impairsTCP)
        )
        return (result, measurements)
    }

    /// Groups runs of the same point and takes min / median / max of each figure.
    public static func points(from measurements: [NetcodeStore.ComparisonPoint], impairsTCP: Bool) -> [Comparison.ComparisonPoint] {
        var order: [String] = []
        var groups: [String: [NetcodeStore.ComparisonPoint]] = [:]
        for measurement in measurements {
            let key = "\(measurement.loss)|\(measurement.transport)"
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(measurement)
        }
        return order.map { key in
            let runs = groups[key]!
            let first = runs[0]
            return Comparison.ComparisonPoint(
                loss: first.loss,
                transport: first.transport,
                impaired: first.transport == .udp || impairsTCP,
                runs: runs.count,
                delivery: Spread(runs.map { $0.delivery }),
                latencyP50Ms: Spread(runs.map(\.latencyP50Ms)),
                latencyP99Ms: Spread(runs.map(\.latencyP99Ms)),
                latencyP999Ms: Spread(runs.map(\.latencyP999Ms)),
                latencyMaxMs: Spread(runs.map(\.latencyMaxMs)),
                stalenessP50Ms: Spread(runs.map(\.stalenessP50Ms)),
                stalenessP99Ms: Spread(runs.map(\.stalenessP99Ms)),
                stallsPerMinute: Spread(runs.map { $0.stallsPerMinute }),
                longestStallMs: Spread(runs.map { $0.longestStallMs }),
                bytesPerSecond: Spread(runs.map { $0.bytesPerSecond })
            )
        }.sorted { ($0.loss, $0.transport.rawValue) < ($1.loss, $1.transport.rawValue) }
    }
}
