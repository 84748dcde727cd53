import Foundation
import NetcodeTransport

/// The spread of one figure over repeated runs of the same point (`--runs`).
public struct Spread: Codable, Sendable, Hashable {
    public var min: Double?
    public var median: Double?
    public var max: Double?

    public init(min: Double?, median: Double?, max: Double?) {
        self.min = min
        self.median = median
        self.max = max
    }

    /// The spread of `values`, ignoring missing ones; all nil when none is present.
    public init(_ values: [Double?]) {
        let present = values.compactMap { $0 }.sorted()
        guard !present.isEmpty else {
            self.init(min: nil, median: nil, max: nil)
            return
        }
        let middle = present.count / 2
        let median = present.count % 2 == 1 ? present[middle] : (present[middle - 1] + present[middle]) / 2
        self.init(min: present.first, median: median, max: present.last)
    }
}

/// What players saw at one loss level over one transport.
public struct ComparisonPoint: Codable, Sendable, Hashable {
    /// Configured random loss each way, 0-1.
    public var loss: Double
    /// `udp` or `tcp`.
    public var transport: UpdateTransport
    /// Whether this transport's packets really crossed the impaired link. False only for tcp in portable
    /// mode, where nothing can impair kernel TCP honestly.
    public var impaired: Bool
    public var runs: Int
    public var delivery: Spread
    public var latencyP50Ms: Spread
    public var latencyP99Ms: Spread
    public var latencyP999Ms: Spread
    public var latencyMaxMs: Spread
    public var stalenessP50Ms: Spread
    public var stalenessP99Ms: Spread
    public var stallsPerMinute: Spread
    public var longestStallMs: Spread
    /// Realtime bytes per second per player, both directions together.
    public var bytesPerSecond: Spread

    enum CodingKeys: String, CodingKey {
        case loss, transport, impaired, runs, delivery
        case latencyP50Ms = "latency_p50_ms", latencyP99Ms = "latency_p99_ms", latencyP999Ms = "latency_p99_9_ms", latencyMaxMs = "latency_max_ms"
        case stalenessP50Ms = "staleness_p50_ms", stalenessP99Ms = "staleness_p99_ms"
        case stallsPerMinute = "stalls_per_minute", longestStallMs = "longest_stall_ms", bytesPerSecond = "bytes_per_second"
    }

    public init(
        loss: Double, transport: UpdateTransport, impaired: Bool, runs: Int, delivery: Spread,
        latencyP50Ms: Spread, latencyP99Ms: Spread, latencyP999Ms: Spread, latencyMaxMs: Spread,
        stalenessP50Ms: Spread, stalenessP99Ms: Spread, stallsPerMinute: Spread, longestStallMs: Spread, bytesPerSecond: Spread
    ) {
        self.loss = loss
        self.transport = transport
        self.impaired = impaired
        self.runs = runs
        self.delivery = delivery
        self.latencyP50Ms = latencyP50Ms
        self.latencyP99Ms = latencyP99Ms
        self.latencyP999Ms = latencyP999Ms
        self.latencyMaxMs = latencyMaxMs
        self.stalenessP50Ms = stalenessP50Ms
        self.stalenessP99Ms = stalenessP99Ms
        self.stallsPerMinute = stallsPerMinute
        self.longestStallMs = longestStallMs
        self.bytesPerSecond = bytesPerSecond
    }
}

/// The experiment's parameters, stored with every run and printed in every report.
public struct ComparisonParameters: Codable, Sendable, Hashable {
    /// Loss levels of the sweep, 0-1.
    public var losses: [Double]
    /// One-way base delay and jitter of the link, each way.
    public var latencyMs: Double
    public var jitterMs: Double
    /// Extra link parameters as a spec (burst, reorder, duplicate, rate), applied at every point; empty if none.
    public var extraImpairment: String
    public var tickRate: Int
    public var snapshotInterval: Int
    /// Bots playing each point (one room).
    public var bots: Int
    /// Seconds of play at each point and transport.
    public var secondsPerPoint: Double
    public var runs: Int
    public var seed: UInt64
    /// TCP_NODELAY on the TCP rows' connections (server and bots). Off, Nagle's algorithm and delayed ACKs
    /// may hold small updates back; the findings say so.
    public var noDelay: Bool

    enum CodingKeys: String, CodingKey {
        case losses, latencyMs = "latency_ms", jitterMs = "jitter_ms", extraImpairment = "extra_impairment"
        case tickRate = "tick_rate", snapshotInterval = "snapshot_interval", bots, secondsPerPoint = "seconds_per_point", runs, seed
        case noDelay = "nodelay"
    }

    /// Every key is required except `nodelay`, which runs stored before it existed lack (they ran with it on).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.losses = try container.decode([Double].self, forKey: .losses)
        self.latencyMs = try container.decode(Double.self, forKey: .latencyMs)
        self.jitterMs = try container.decode(Double.self, forKey: .jitterMs)
        self.extraImpairment = try container.decode(String.self, forKey: .extraImpairment)
        self.tickRate = try container.decode(Int.self, forKey: .tickRate)
        self.snapshotInterval = try container.decode(Int.self, forKey: .snapshotInterval)
        self.bots = try container.decode(Int.self, forKey: .bots)
        self.secondsPerPoint = try container.decode(Double.self, forKey: .secondsPerPoint)
        self.runs = try container.decode(Int.self, forKey: .runs)
        self.seed = try container.decode(UInt64.self, forKey: .seed)
        self.noDelay = try container.decodeIfPresent(Bool.self, forKey: .noDelay) ?? true
    }

    public init(
        losses: [Double] = [0, 0.01, 0.02, 0.05, 0.10], latencyMs: Double = 20, jitterMs: Double = 2, extraImpairment: String = "",
        tickRate: Int = 60, snapshotInterval: Int = 1, bots: Int = 4, secondsPerPoint: Double = 20, runs: Int = 1, seed: UInt64 = 1,
        noDelay: Bool = true
    ) {
        self.losses = losses
        self.latencyMs = latencyMs
        self.jitterMs = jitterMs
        self.extraImpairment = extraImpairment
        self.tickRate = tickRate
        self.snapshotInterval = snapshotInterval
        self.bots = bots
        self.secondsPerPoint = secondsPerPoint
        self.runs = runs
        self.seed = seed
        self.noDelay = noDelay
    }
}

/// A whole comparison: parameters, how the link was made, and one point per loss level and transport.
public struct ComparisonReport: Codable, Sendable {
    public enum Mode: String, Codable, Sendable {
        /// Both transports crossed a real impaired link (network namespaces + TUN emulator).
        case lab
        /// UDP impaired in process; TCP over unimpaired loopback, labelled so.
        case portable
    }

    public var version = 1
    public var mode: Mode
    /// Why portable mode was used, or what the lab was; shown in every report.
    public var modeNote: String
    public var parameters: ComparisonParameters
    public var startedAt: Date
    public var finishedAt: Date
    public var points: [ComparisonPoint]
    /// The database id of this run, once stored.
    public var runID: Int64?

    enum CodingKeys: String, CodingKey {
        case version, mode, modeNote = "mode_note", parameters, startedAt = "started_at", finishedAt = "finished_at", points, runID = "run_id"
    }

    public init(mode: Mode, modeNote: String, parameters: ComparisonParameters, startedAt: Date, finishedAt: Date, points: [ComparisonPoint], runID: Int64? = nil) {
        self.mode = mode
        self.modeNote = modeNote
        self.parameters = parameters
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.points = points
        self.runID = runID
    }

    /// The point for a loss level and transport.
    public func point(loss: Double, transport: UpdateTransport) -> ComparisonPoint? {
        self.points.first { abs($0.loss - loss) < 1e-9 && $0.transport == transport }
    }
}

extension ComparisonParameters {
    /// Reads a sweep file (Simulations/sweeps/*.json): the parameters object's keys, all of them.
    public static func load(contentsOfFile path: String) throws -> ComparisonParameters {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw SweepFileError(path: path, reason: "cannot be read (\(error.localizedDescription))")
        }
        do {
            return try JSONDecoder().decode(ComparisonParameters.self, from: data)
        } catch DecodingError.keyNotFound(let key, _) {
            throw SweepFileError(path: path, reason: "has no \"\(key.stringValue)\"; a sweep file names every parameter (see Simulations/sweeps/default.json)")
        } catch {
            throw SweepFileError(path: path, reason: "is not a sweep file: \(error)")
        }
    }
}

/// A sweep file that could not be used, with the reason.
public struct SweepFileError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "sweep file \(self.path) \(self.reason)" }
}
