import NIOCore
import NetcodeClient

/// One line of live progress, produced every second.
public struct SwarmProgress: Sendable {
    public var elapsed: Duration
    public var connected: Int
    public var target: Int
    public var inMatch: Int
    public var failures: Int
    public var packetsSentPerSecond: Double
    public var packetsReceivedPerSecond: Double
    public var bytesSentPerSecond: Double
    public var bytesReceivedPerSecond: Double
    public var p99StalenessMs: Double?
    /// Snapshot latency (server send to arrival) of the second, 99th percentile.
    public var p99LatencyMs: Double?

    /// The line as `netcode bots` prints it.
    public var line: String {
        let staleness = self.p99StalenessMs.map { String(format: "%.1f ms", $0) } ?? "–"
        let latency = self.p99LatencyMs.map { String(format: "%.1f ms", $0) } ?? "–"
        return String(
            format: "[%5.1fs] bots %d/%d  in match %d  failed %d  out %.0f pkt/s %.1f kB/s  in %.0f pkt/s %.1f kB/s  p99 latency %@  staleness %@",
            Double(self.elapsed.components.seconds) + Double(self.elapsed.components.attoseconds) / 1e18,
            self.connected, self.target, self.inMatch, self.failures,
            self.packetsSentPerSecond, self.bytesSentPerSecond / 1000,
            self.packetsReceivedPerSecond, self.bytesReceivedPerSecond / 1000,
            latency, staleness
        )
    }
}

/// Starts the bots at the ramp rate, reports progress each second, and returns the summary when every
/// bot is done.
public struct SwarmRunner: Sendable {
    public let configuration: SwarmConfiguration

    public init(configuration: SwarmConfiguration) {
        self.configuration = configuration
    }

    public func run(progress: @escaping @Sendable (SwarmProgress) -> Void = { _ in }) async -> SwarmReport {
        let metrics = SwarmMetrics()
        let matchmaker = Matchmaker(roomSize: self.configuration.roomSize)
        let clock = ContinuousClock()
        let began = clock.now
        let stopQueueingAt = self.configuration.duration.map { began + $0 }
        let configuration = self.configuration

        // The live line is a child task beside the bots' group: cancelled once every bot is done, and
        // with the run itself (it cannot outlive it).
        await withTaskGroup(of: Void.self) { running in
            running.addTask {
                var last = clock.now
                while !Task.isCancelled {
                    // Cancelled (every bot is done): one last line for the part of a second since the previous one.
                    try? await Task.sleep(until: last + .seconds(1), clock: clock)
                    let now = clock.now
                    let seconds = max(Self.seconds(now - last), 0.001)
                    last = now
                    let totals = metrics.snapshot()
                    // Steady: every bot has started and is in a match; the report keeps that part apart.
                    metrics.live.setSteady(totals.botsEverConnected + totals.botsFailed >= configuration.count && totals.botsInMatch >= configuration.count)
                    let window = metrics.live.take()
                    progress(SwarmProgress(
                        elapsed: now - began,
                        connected: totals.botsConnected,
                        target: configuration.count,
                        inMatch: totals.botsInMatch,
                        failures: totals.botsFailed,
                        packetsSentPerSecond: Double(window.packetsSent) / seconds,
                        packetsReceivedPerSecond: Double(window.packetsReceived) / seconds,
                        bytesSentPerSecond: Double(window.bytesSent) / seconds,
                        bytesReceivedPerSecond: Double(window.bytesReceived) / seconds,
                        p99StalenessMs: window.staleness.totalCount > 0 ? Double(window.staleness.valueAtPercentile(99)) / 1000 : nil,
                        p99LatencyMs: window.snapshotLatency.totalCount > 0 ? Double(window.snapshotLatency.valueAtPercentile(99)) / 1000 : nil
                    ))
                }
            }
            await withTaskGroup(of: Void.self) { group in
                // Bots start at their intended times (index / ramp), not one after another's set-up.
                let interval = 1.0 / max(configuration.rampPerSecond, 0.001)
                for index in 0..<configuration.count {
                    let due = began + .nanoseconds(Int64(Double(index) * interval * 1e9))
                    if due > clock.now { try? await Task.sleep(until: due, clock: clock) }
                    group.addTask {
                        await Bot(index: index, configuration: configuration, matchmaker: matchmaker, metrics: metrics, stopQueueingAt: stopQueueingAt).run()
                    }
                }
                await group.waitForAll()
            }
            running.cancelAll()
        }
        var totals = metrics.snapshot()
        if !configuration.client.sessionDistributions {
            // The sessions kept no histograms of their own: all their samples went to the live figures.
            totals.experience.mergeDistributions(of: metrics.live.wholeRun)
        }
        return SwarmReport(configuration: configuration, totals: totals, punctuality: metrics.live.punctuality, steady: metrics.live.steady,
                           wholeRun: metrics.live.wholeRun, elapsed: clock.now - began)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
