import Foundation
import NetcodeTransport

/// Where a TCP-vs-UDP comparison ran.
public enum ComparisonMode: String, Sendable, Hashable, CaseIterable {
    /// Real packets of both protocols crossed an impaired link between network namespaces.
    case lab
    /// Impairment was applied inside the process, on the datagram path.
    case portable
}

/// One TCP-vs-UDP comparison sweep and every point it measured.
public struct ComparisonRun: Sendable, Hashable {
    /// Assigned by ``NetcodeDatabase/recordComparisonRun(_:)``; `nil` before that, and ignored by it.
    public var id: Int64?
    public var startedAt: Date
    public var finishedAt: Date
    /// The full sweep settings as a JSON document, so a run can be repeated exactly.
    public var parametersJSON: String
    public var mode: ComparisonMode
    /// Stored as the INTEGER with the same 64 bits (see ``MatchRecord/seed``).
    public var seed: UInt64
    public var notes: String
    /// Read back in the order they were recorded.
    public var points: [ComparisonPoint]

    public init(
        id: Int64? = nil,
        startedAt: Date,
        finishedAt: Date,
        parametersJSON: String,
        mode: ComparisonMode,
        seed: UInt64,
        notes: String = "",
        points: [ComparisonPoint]
    ) {
        self.id = id
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.parametersJSON = parametersJSON
        self.mode = mode
        self.seed = seed
        self.notes = notes
        self.points = points
    }
}

/// What one transport achieved at one loss rate in one repetition.
///
/// Latencies and staleness are `nil` when no message arrived, so there was nothing to measure.
public struct ComparisonPoint: Sendable, Hashable {
    /// Link loss rate, a fraction in 0...1.
    public var loss: Double
    public var transport: UpdateTransport
    /// Which repetition of this (loss, transport) pair, from 0.
    public var runIndex: Int
    /// Fraction of messages that arrived, 0...1.
    public var delivery: Double
    public var latencyP50Ms: Double?
    public var latencyP99Ms: Double?
    public var latencyP999Ms: Double?
    public var latencyMaxMs: Double?
    public var stalenessP50Ms: Double?
    public var stalenessP99Ms: Double?
    public var stallsPerMinute: Double
    public var longestStallMs: Double
    public var bytesPerSecond: Double

    public init(
        loss: Double,
        transport: UpdateTransport,
        runIndex: Int,
        delivery: Double,
        latencyP50Ms: Double?,
        latencyP99Ms: Double?,
        latencyP999Ms: Double?,
        latencyMaxMs: Double?,
        stalenessP50Ms: Double?,
        stalenessP99Ms: Double?,
        stallsPerMinute: Double,
        longestStallMs: Double,
        bytesPerSecond: Double
    ) {
        self.loss = loss
        self.transport = transport
        self.runIndex = runIndex
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
