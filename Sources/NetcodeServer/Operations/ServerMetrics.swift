import CoreMetrics
import Histogram
import Metrics
import NIOConcurrencyHelpers
import NetcodeProtocol
import class Prometheus.PrometheusCollectorRegistry
import struct Prometheus.PrometheusMetricsFactory

/// The server's metrics, in swift-metrics types backed by one Prometheus registry per server (no
/// process-wide bootstrap, so tests can run several servers side by side).
///
/// Nothing here is called per datagram: the realtime shards keep their own plain counters on their
/// loops, and ``publish(_:)`` turns the totals read once a second (and at each scrape) into counter
/// increments. Events that are rare next to datagrams (logins, matches, result writes) count directly.
public final class ServerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory

    enum LoginOutcome: String { case ok, failed, limited }

    private let loginCounters: [String: CoreMetrics.Counter]
    let connections: CoreMetrics.Gauge
    let rooms: CoreMetrics.Gauge
    let roomsInMatch: CoreMetrics.Gauge
    let matchesRunning: CoreMetrics.Gauge
    let playersInMatches: CoreMetrics.Gauge
    let draining: CoreMetrics.Gauge
    let matchesStarted: CoreMetrics.Counter
    let reconnections: CoreMetrics.Counter
    let kicks: CoreMetrics.Counter
    let resultWritesStored: CoreMetrics.Counter
    let resultWritesFailed: CoreMetrics.Counter
    let resultWriteLatency: CoreMetrics.Timer
    let tickCost: CoreMetrics.Timer
    private let datagramsIn: CoreMetrics.Counter
    private let datagramsOut: CoreMetrics.Counter
    private let bytesIn: CoreMetrics.Counter
    private let bytesOut: CoreMetrics.Counter
    private let framesIn: CoreMetrics.Counter
    private let framesOut: CoreMetrics.Counter
    private let skippedTicks: CoreMetrics.Counter
    private let slowReaderFrames: CoreMetrics.Counter
    private let kernelDrops: CoreMetrics.Counter
    private let drops: [DropReason: CoreMetrics.Counter]
    /// The totals already published, so each publication adds only what is new.
    private let published = NIOLockedValueBox(Published())

    struct Published {
        var counters = RealtimeCounters()
        var kernelDrops: UInt64?
    }

    public init() {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Tick cost: from 10 µs to a whole 30 Hz tick and past it.
        factory.durationHistogramBuckets["netcode_tick_seconds"] = [10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 33_333, 100_000].map { Duration.microseconds($0) }
        factory.durationHistogramBuckets["netcode_result_write_seconds"] = [1, 2, 5, 10, 25, 50, 100, 250, 1000, 5000, 30_000].map { Duration.milliseconds($0) }
        self.registry = registry
        self.factory = factory
        self.loginCounters = Dictionary(uniqueKeysWithValues: [LoginOutcome.ok, .failed, .limited].map {
            ($0.rawValue, CoreMetrics.Counter(label: "netcode_logins_total", dimensions: [("outcome", $0.rawValue)], factory: factory))
        })
        self.connections = CoreMetrics.Gauge(label: "netcode_lobby_connections", factory: factory)
        self.rooms = CoreMetrics.Gauge(label: "netcode_rooms", factory: factory)
        self.roomsInMatch = CoreMetrics.Gauge(label: "netcode_rooms_in_match", factory: factory)
        self.matchesRunning = CoreMetrics.Gauge(label: "netcode_matches_running", factory: factory)
        self.playersInMatches = CoreMetrics.Gauge(label: "netcode_match_players", factory: factory)
        self.draining = CoreMetrics.Gauge(label: "netcode_draining", factory: factory)
        self.matchesStarted = CoreMetrics.Counter(label: "netcode_matches_started_total", factory: factory)
        self.reconnections = CoreMetrics.Counter(label: "netcode_reconnections_total", factory: factory)
        self.kicks = CoreMetrics.Counter(label: "netcode_kicks_total", factory: factory)
        self.resultWritesStored = CoreMetrics.Counter(label: "netcode_result_writes_total", dimensions: [("outcome", "stored")], factory: factory)
        self.resultWritesFailed = CoreMetrics.Counter(label: "netcode_result_writes_total", dimensions: [("outcome", "failed")], factory: factory)
        self.resultWriteLatency = CoreMetrics.Timer(label: "netcode_result_write_seconds", factory: factory)
        self.tickCost = CoreMetrics.Timer(label: "netcode_tick_seconds", factory: factory)
        self.datagramsIn = CoreMetrics.Counter(label: "netcode_realtime_datagrams_total", dimensions: [("direction", "in")], factory: factory)
        self.datagramsOut = CoreMetrics.Counter(label: "netcode_realtime_datagrams_total", dimensions: [("direction", "out")], factory: factory)
        self.bytesIn = CoreMetrics.Counter(label: "netcode_realtime_bytes_total", dimensions: [("direction", "in")], factory: factory)
        self.bytesOut = CoreMetrics.Counter(label: "netcode_realtime_bytes_total", dimensions: [("direction", "out")], factory: factory)
        self.framesIn = CoreMetrics.Counter(label: "netcode_realtime_tcp_frames_total", dimensions: [("direction", "in")], factory: factory)
        self.framesOut = CoreMetrics.Counter(label: "netcode_realtime_tcp_frames_total", dimensions: [("direction", "out")], factory: factory)
        self.skippedTicks = CoreMetrics.Counter(label: "netcode_ticks_skipped_total", factory: factory)
        self.slowReaderFrames = CoreMetrics.Counter(label: "netcode_realtime_tcp_frames_dropped_slow_reader_total", factory: factory)
        self.kernelDrops = CoreMetrics.Counter(label: "netcode_realtime_rcvbuf_drops_total", factory: factory)
        self.drops = Dictionary(uniqueKeysWithValues: DropReason.allCases.map {
            ($0, CoreMetrics.Counter(label: "netcode_realtime_drops_total", dimensions: [("reason", "\($0)")], factory: factory))
        })
    }

    func logins(_ outcome: LoginOutcome) {
        self.loginCounters[outcome.rawValue]?.increment()
    }

    func reconnected() { self.reconnections.increment() }

    /// Publishes the shards' totals (and the kernel's receive-buffer drops of their sockets): each
    /// counter grows by what is new since the last call. The status loop and a scrape both publish, so
    /// totals read earlier may arrive later: each figure only ever moves forward.
    func publish(_ totals: RealtimeCounters, kernelDrops: UInt64?) {
        self.published.withLockedValue { last in
            func advance(_ counter: CoreMetrics.Counter, _ now: UInt64, _ before: inout UInt64) {
                guard now > before else { return }
                counter.increment(by: Int64(now - before))
                before = now
            }
            advance(self.datagramsIn, totals.datagramsReceived, &last.counters.datagramsReceived)
            advance(self.datagramsOut, totals.datagramsSent, &last.counters.datagramsSent)
            advance(self.bytesIn, totals.bytesReceived, &last.counters.bytesReceived)
            advance(self.bytesOut, totals.bytesSent, &last.counters.bytesSent)
            advance(self.framesIn, totals.framesReceived, &last.counters.framesReceived)
            advance(self.framesOut, totals.framesSent, &last.counters.framesSent)
            advance(self.skippedTicks, totals.skippedTicks, &last.counters.skippedTicks)
            advance(self.slowReaderFrames, totals.framesDroppedSlowReader, &last.counters.framesDroppedSlowReader)
            for reason in DropReason.allCases {
                guard let counter = self.drops[reason], totals.drops[reason] > last.counters.drops[reason] else { continue }
                counter.increment(by: Int64(totals.drops[reason] - last.counters.drops[reason]))
                last.counters.drops[reason] = totals.drops[reason]
            }
            if let kernelDrops {
                // The kernel's count starts before the server; only what grows while it runs is published.
                if var previous = last.kernelDrops {
                    advance(self.kernelDrops, kernelDrops, &previous)
                    last.kernelDrops = previous
                } else {
                    last.kernelDrops = kernelDrops
                }
            }
        }
    }

    /// Adds a shard's tick costs (nanoseconds, gathered on its loop) to the tick histogram.
    func recordTickCosts(_ costs: Histogram<UInt64>) {
        guard costs.totalCount > 0 else { return }
        for bucket in costs.recordedValues() {
            let nanoseconds = Int64(clamping: bucket.value)
            for _ in 0..<bucket.countAddedInThisIterationStep { self.tickCost.recordNanoseconds(nanoseconds) }
        }
    }

    /// The registry in Prometheus text format.
    public func text() -> String { self.registry.emitToString() }
}
