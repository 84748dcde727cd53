import Foundation
import Histogram
import NetcodeClient

/// Percentiles of one latency distribution, in milliseconds. Keys are part of the JSON summary's contract
/// (docs/REPORT.md).
public struct LatencySummary: Codable, Sendable, Hashable {
    public var count: UInt64
    public var p50: Double?
    public var p90: Double?
    public var p99: Double?
    public var p999: Double?
    public var max: Double?

    enum CodingKeys: String, CodingKey {
        case count, p50, p90, p99, p999 = "p99_9", max
    }

    init(_ histogram: Histogram<UInt64>) {
        self.count = histogram.totalCount
        guard histogram.totalCount > 0 else { return }
        self.p50 = Double(histogram.valueAtPercentile(50)) / 1000
        self.p90 = Double(histogram.valueAtPercentile(90)) / 1000
        self.p99 = Double(histogram.valueAtPercentile(99)) / 1000
        self.p999 = Double(histogram.valueAtPercentile(99.9)) / 1000
        self.max = Double(histogram.max) / 1000
    }
}

/// The swarm's summary: the figures k6 and wrk2 users expect, under stable keys.
public struct SwarmReport: Codable, Sendable {
    public struct Bots: Codable, Sendable {
        public var target: Int
        public var connected: Int
        public var failed: Int
    }

    public struct Stalls: Codable, Sendable {
        public var count: Int
        public var perMinute: Double
        public var longestMs: Double
        public var thresholdMs: Double

        enum CodingKeys: String, CodingKey {
            case count, perMinute = "per_minute", longestMs = "longest_ms", thresholdMs = "threshold_ms"
        }
    }

    public struct Bandwidth: Codable, Sendable {
        public var sentBytesPerSecond: Double
        public var receivedBytesPerSecond: Double

        enum CodingKeys: String, CodingKey {
            case sentBytesPerSecond = "sent_bytes_per_second", receivedBytesPerSecond = "received_bytes_per_second"
        }
    }

    public struct Check: Codable, Sendable {
        public var name: String
        public var limit: Double
        public var value: Double?
        public var passed: Bool
    }

    public var version = 1
    public var durationSeconds: Double
    public var transport: String
    public var bots: Bots
    public var matches: Int
    public var playerMatches: Int
    public var deliveryRatio: Double?
    public var snapshotLatencyMs: LatencySummary
    /// Server send time to the kernel's receive timestamp at the bot's socket: the snapshot's trip alone,
    /// without the wait for the swarm's loop to read it. Swarms on shared sockets only (nil otherwise).
    public var arrivalLatencyMs: LatencySummary?
    public var stalenessMs: LatencySummary
    public var inputAckMs: LatencySummary
    public var loginMs: LatencySummary
    public var stalls: Stalls
    public var perBot: Bandwidth
    public var snapshotsReceived: Int
    public var snapshotsExpected: Int
    public var lateSnapshots: Int
    public var undecodableSnapshots: Int
    /// Snapshot ticks the server skipped or merged because it fell behind (ticks it should have sent a
    /// snapshot for, by tick number, minus the snapshot packets it sent).
    public var serverTicksMissed: Int
    /// How punctual the swarm's own event loops were; `limited` when they were too late to trust the
    /// run's figures (the load generator, not the server, was the bottleneck).
    public var generator: Generator
    /// The figures of the steady window alone (every bot in a match), when there was one.
    public var steady: SteadyWindow?

    public struct SteadyWindow: Codable, Sendable {
        public var seconds: Double
        public var snapshotLatencyMs: LatencySummary
        public var arrivalLatencyMs: LatencySummary?
        public var stalenessMs: LatencySummary
        public var inputAckMs: LatencySummary
        /// The swarm's punctuality over the same window: whether these figures include its own delay
        /// (the ramp-up, with its logins, is often late where the steady part is not, and the reverse).
        public var generator: Generator
        /// Gaps between snapshots over the stall threshold, and per player-minute (every bot is playing).
        public var stalls: Int
        public var stallsPerMinute: Double
        /// Snapshot ticks the server skipped or merged within the window (see ``SwarmReport/serverTicksMissed``).
        public var serverTicksMissed: Int

        enum CodingKeys: String, CodingKey {
            case seconds, snapshotLatencyMs = "snapshot_latency_ms", arrivalLatencyMs = "arrival_latency_ms"
            case stalenessMs = "staleness_ms", inputAckMs = "input_ack_ms"
            case generator, stalls, stallsPerMinute = "stalls_per_minute", serverTicksMissed = "server_ticks_missed"
        }
    }

    public struct Generator: Codable, Sendable {
        public var frames: Int
        public var lateFrames: Int
        public var lateFrameRatio: Double
        public var frameLagP99Ms: Double?
        public var frameLagMaxMs: Double?
        /// How long a snapshot waited in the bot's socket before the swarm's loop read it (the kernel's
        /// arrival stamp to the read), p99: the part of every snapshot latency that is the swarm's own
        /// doing. Sockets that stamp arrivals only (shared sockets); nil otherwise.
        public var readWaitP99Ms: Double?
        public var limited: Bool
        /// Over this share of late frames, or this p99 frame lag, or this p99 read wait, the swarm marks
        /// itself as the bottleneck. The read wait's limit is low: it adds to every latency figure, and the
        /// latencies worth measuring on one machine are a few milliseconds.
        public static let lateFrameLimit = 0.01
        public static let lagP99LimitMs = 10.0
        public static let readWaitP99LimitMs = 2.5

        enum CodingKeys: String, CodingKey {
            case frames, lateFrames = "late_frames", lateFrameRatio = "late_frame_ratio"
            case frameLagP99Ms = "frame_lag_p99_ms", frameLagMaxMs = "frame_lag_max_ms", readWaitP99Ms = "read_wait_p99_ms", limited
        }

        init(_ punctuality: LiveTraffic.Punctuality, readWait: Histogram<UInt64>? = nil) {
            self.init(frames: punctuality.frames, lateFrames: punctuality.lateFrames, frameLag: punctuality.frameLag, readWait: readWait)
        }

        init(frames: Int, lateFrames: Int, frameLag lag: Histogram<UInt64>, readWait: Histogram<UInt64>? = nil) {
            self.frames = frames
            self.lateFrames = lateFrames
            self.lateFrameRatio = frames > 0 ? Double(lateFrames) / Double(frames) : 0
            self.frameLagP99Ms = lag.totalCount > 0 ? Double(lag.valueAtPercentile(99)) / 1000 : nil
            self.frameLagMaxMs = lag.totalCount > 0 ? Double(lag.max) / 1000 : nil
            self.readWaitP99Ms = readWait.flatMap { $0.totalCount > 0 ? Double($0.valueAtPercentile(99)) / 1000 : nil }
            self.limited = self.lateFrameRatio > Self.lateFrameLimit || (self.frameLagP99Ms ?? 0) > Self.lagP99LimitMs
                || (self.readWaitP99Ms ?? 0) > Self.readWaitP99LimitMs
        }
    }
    /// Drops and reconnections during matches (`--reconnect-every`); nil when the bots did not drop.
    public struct Reconnections: Codable, Sendable {
        public var count: Int
        public var failed: Int
        /// From the drop to the first snapshot of the resumed session.
        public var resumeMs: LatencySummary

        enum CodingKeys: String, CodingKey {
            case count, failed, resumeMs = "resume_ms"
        }
    }
    public var reconnections: Reconnections?
    public var errors: [String: Int]
    public var checks: [Check]
    public var passed: Bool

    enum CodingKeys: String, CodingKey {
        case version, durationSeconds = "duration_s", transport, bots, matches, playerMatches = "player_matches"
        case deliveryRatio = "delivery_ratio", snapshotLatencyMs = "snapshot_latency_ms", arrivalLatencyMs = "arrival_latency_ms"
        case stalenessMs = "staleness_ms"
        case inputAckMs = "input_ack_ms", loginMs = "login_ms", stalls, perBot = "per_bot"
        case snapshotsReceived = "snapshots_received", snapshotsExpected = "snapshots_expected"
        case lateSnapshots = "late_snapshots", undecodableSnapshots = "undecodable_snapshots"
        case serverTicksMissed = "server_ticks_missed", generator, steady = "steady_window"
        case reconnections, errors, checks, passed
    }

    init(configuration: SwarmConfiguration, totals: SwarmMetrics.Totals, punctuality: LiveTraffic.Punctuality, steady: LiveTraffic.Steady, wholeRun: LiveTraffic.Window, elapsed: Duration) {
        let experience = totals.experience
        self.durationSeconds = SwarmRunner.seconds(elapsed)
        self.transport = configuration.transport.map { "\($0)" } ?? "server default"
        self.bots = Bots(target: configuration.count, connected: totals.botsEverConnected, failed: totals.botsFailed)
        self.matches = totals.matchIDs.count
        self.playerMatches = totals.playerMatches
        self.deliveryRatio = experience.deliveryRatio
        self.snapshotLatencyMs = LatencySummary(experience.snapshotLatency)
        self.arrivalLatencyMs = wholeRun.arrivalLatency.totalCount > 0 ? LatencySummary(wholeRun.arrivalLatency) : nil
        self.stalenessMs = LatencySummary(experience.staleness)
        self.inputAckMs = LatencySummary(experience.inputAcknowledgement)
        self.loginMs = LatencySummary(totals.login)
        let minutes = experience.durationSeconds / 60
        self.stalls = Stalls(
            count: experience.stalls,
            perMinute: minutes > 0 ? Double(experience.stalls) / minutes : 0,
            longestMs: Double(experience.longestStallMicros) / 1000,
            thresholdMs: SwarmRunner.seconds(configuration.client.stallThreshold) * 1000
        )
        // No packet received means no span to divide by: no rate, rather than bytes over a made-up instant.
        let seconds = experience.durationSeconds
        self.perBot = seconds > 0
            ? Bandwidth(sentBytesPerSecond: Double(experience.bytesSent) / seconds, receivedBytesPerSecond: Double(experience.bytesReceived) / seconds)
            : Bandwidth(sentBytesPerSecond: 0, receivedBytesPerSecond: 0)
        self.snapshotsReceived = experience.snapshotsReceived
        self.snapshotsExpected = experience.snapshotsExpected
        self.lateSnapshots = experience.lateIgnored
        self.undecodableSnapshots = experience.undecodable
        self.serverTicksMissed = max(experience.snapshotTicksExpected - experience.snapshotsExpected, 0)
        self.generator = Generator(punctuality, readWait: wholeRun.readWait)
        self.steady = steady.seconds > 0 && steady.window.snapshotLatency.totalCount > 0 ? SteadyWindow(
            seconds: steady.seconds,
            snapshotLatencyMs: LatencySummary(steady.window.snapshotLatency),
            arrivalLatencyMs: steady.window.arrivalLatency.totalCount > 0 ? LatencySummary(steady.window.arrivalLatency) : nil,
            stalenessMs: LatencySummary(steady.window.staleness),
            inputAckMs: LatencySummary(steady.window.inputAcknowledgement),
            generator: Generator(frames: steady.window.frames, lateFrames: steady.window.lateFrames, frameLag: steady.window.frameLag, readWait: steady.window.readWait),
            stalls: steady.window.stalls,
            stallsPerMinute: Double(steady.window.stalls) / (steady.seconds / 60 * Double(max(configuration.count, 1))),
            serverTicksMissed: max(steady.window.serverTicksMissed, 0)
        ) : nil
        self.reconnections = configuration.reconnectEvery == nil ? nil : Reconnections(
            count: totals.reconnections, failed: totals.reconnectFailures, resumeMs: LatencySummary(totals.resume)
        )
        self.errors = totals.errors
        // A run that measured nothing has not passed, whatever else it says (a swarm whose datagrams all
        // failed to leave, say, still plays matches over the lobby).
        var checks: [Check] = [
            Check(name: "snapshots received >", limit: 0, value: Double(self.snapshotsReceived), passed: self.snapshotsReceived > 0),
        ]
        let thresholds = configuration.thresholds
        if let limit = thresholds.maximumP99Staleness {
            let value = self.stalenessMs.p99
            checks.append(Check(name: "p99 staleness ms <=", limit: SwarmRunner.seconds(limit) * 1000, value: value, passed: value.map { $0 <= SwarmRunner.seconds(limit) * 1000 } ?? false))
        }
        if let limit = thresholds.maximumP99Latency {
            let value = self.snapshotLatencyMs.p99
            checks.append(Check(name: "p99 snapshot latency ms <=", limit: SwarmRunner.seconds(limit) * 1000, value: value, passed: value.map { $0 <= SwarmRunner.seconds(limit) * 1000 } ?? false))
        }
        if let limit = thresholds.minimumDelivery {
            checks.append(Check(name: "delivery ratio >=", limit: limit, value: self.deliveryRatio, passed: (self.deliveryRatio ?? 0) >= limit))
        }
        let errorCount = totals.errors.values.reduce(0, +)
        if let limit = thresholds.maximumErrors {
            checks.append(Check(name: "errors <=", limit: Double(limit), value: Double(errorCount), passed: errorCount <= limit))
        }
        self.checks = checks
        self.passed = checks.allSatisfy(\.passed) && self.playerMatches > 0
    }

    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    /// One header line and one row, same figures as the JSON.
    public func csv() -> String {
        func number(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "" }
        let columns: [(String, String)] = [
            ("duration_s", number(self.durationSeconds)), ("transport", self.transport),
            ("bots_target", "\(self.bots.target)"), ("bots_connected", "\(self.bots.connected)"), ("bots_failed", "\(self.bots.failed)"),
            ("matches", "\(self.matches)"), ("player_matches", "\(self.playerMatches)"), ("delivery_ratio", number(self.deliveryRatio)),
            ("latency_p50_ms", number(self.snapshotLatencyMs.p50)), ("latency_p90_ms", number(self.snapshotLatencyMs.p90)),
            ("latency_p99_ms", number(self.snapshotLatencyMs.p99)), ("latency_p99_9_ms", number(self.snapshotLatencyMs.p999)),
            ("latency_max_ms", number(self.snapshotLatencyMs.max)),
            ("staleness_p50_ms", number(self.stalenessMs.p50)), ("staleness_p99_ms", number(self.stalenessMs.p99)),
            ("staleness_max_ms", number(self.stalenessMs.max)),
            ("input_ack_p50_ms", number(self.inputAckMs.p50)), ("input_ack_p99_ms", number(self.inputAckMs.p99)),
            ("login_p50_ms", number(self.loginMs.p50)), ("login_p99_ms", number(self.loginMs.p99)),
            ("stalls", "\(self.stalls.count)"), ("stalls_per_minute", number(self.stalls.perMinute)), ("longest_stall_ms", number(self.stalls.longestMs)),
            ("sent_bytes_per_second_per_bot", number(self.perBot.sentBytesPerSecond)),
            ("received_bytes_per_second_per_bot", number(self.perBot.receivedBytesPerSecond)),
            ("errors", "\(self.errors.values.reduce(0, +))"), ("passed", self.passed ? "true" : "false"),
        ]
        return columns.map(\.0).joined(separator: ",") + "\n" + columns.map(\.1).joined(separator: ",") + "\n"
    }

    /// The summary as a person reads it in a terminal.
    public func text() -> String {
        func ms(_ value: Double?) -> String { value.map { String(format: "%8.1f", $0) } ?? "       –" }
        func row(_ name: String, _ summary: LatencySummary) -> String {
            "  \(name.padding(toLength: 22, withPad: " ", startingAt: 0))\(ms(summary.p50))\(ms(summary.p90))\(ms(summary.p99))\(ms(summary.p999))\(ms(summary.max))   n=\(summary.count)"
        }
        var lines: [String] = []
        lines.append(String(format: "Swarm summary: %d bots (%d connected, %d failed), %d matches, %.1f s, transport %@",
                            self.bots.target, self.bots.connected, self.bots.failed, self.matches, self.durationSeconds, self.transport))
        lines.append("  \("ms".padding(toLength: 22, withPad: " ", startingAt: 0))     p50     p90     p99   p99.9     max")
        lines.append(row("snapshot latency", self.snapshotLatencyMs))
        if let arrival = self.arrivalLatencyMs { lines.append(row("  to the socket", arrival)) }
        lines.append(row("display staleness", self.stalenessMs))
        lines.append(row("input → ack", self.inputAckMs))
        lines.append(row("login", self.loginMs))
        lines.append(String(format: "  delivery %@  (%d of %d snapshots; %d late, %d undecodable)",
                            self.deliveryRatio.map { String(format: "%.4f", $0) } ?? "–", self.snapshotsReceived, self.snapshotsExpected, self.lateSnapshots, self.undecodableSnapshots))
        if let steady = self.steady {
            lines.append(String(format: "  steady window (all bots in a match, %.1f s):", steady.seconds))
            lines.append(row("  snapshot latency", steady.snapshotLatencyMs))
            if let arrival = steady.arrivalLatencyMs { lines.append(row("    to the socket", arrival)) }
            lines.append(row("  display staleness", steady.stalenessMs))
            lines.append(row("  input → ack", steady.inputAckMs))
            lines.append(String(format: "    stalls: %d (%.2f per player-minute); server ticks skipped or merged: %d", steady.stalls, steady.stallsPerMinute, steady.serverTicksMissed))
            lines.append("  " + Self.generatorLine(steady.generator))
        }
        if self.serverTicksMissed > 0 {
            lines.append("  server fell behind: \(self.serverTicksMissed) snapshot ticks skipped or merged (not counted in delivery)")
        }
        lines.append(Self.generatorLine(self.generator))
        lines.append(String(format: "  stalls over %.0f ms: %d (%.2f per minute), longest %.1f ms",
                            self.stalls.thresholdMs, self.stalls.count, self.stalls.perMinute, self.stalls.longestMs))
        lines.append(String(format: "  per bot: sent %.0f B/s, received %.0f B/s (realtime payload incl. headers above UDP)",
                            self.perBot.sentBytesPerSecond, self.perBot.receivedBytesPerSecond))
        if let reconnections = self.reconnections {
            lines.append(String(format: "  reconnections: %d resumed, %d failed; drop → first snapshot p50 %@ ms, p99 %@ ms, max %@ ms",
                                reconnections.count, reconnections.failed,
                                reconnections.resumeMs.p50.map { String(format: "%.1f", $0) } ?? "–",
                                reconnections.resumeMs.p99.map { String(format: "%.1f", $0) } ?? "–",
                                reconnections.resumeMs.max.map { String(format: "%.1f", $0) } ?? "–"))
        }
        if self.errors.isEmpty {
            lines.append("  errors: none")
        } else {
            lines.append("  errors: " + self.errors.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", "))
        }
        for check in self.checks {
            lines.append("  check \(check.name) \(check.limit): \(check.value.map { String(format: "%.3f", $0) } ?? "no data") \(check.passed ? "ok" : "FAILED")")
        }
        if self.playerMatches == 0 { lines.append("  no match was completed") }
        return lines.joined(separator: "\n")
    }

    private static func generatorLine(_ generator: Generator) -> String {
        String(format: "  load generator: %d frames, %d late (%.2f%%), frame lag p99 %@ ms, max %@ ms, read wait p99 %@ ms%@",
               generator.frames, generator.lateFrames, generator.lateFrameRatio * 100,
               generator.frameLagP99Ms.map { String(format: "%.1f", $0) } ?? "–",
               generator.frameLagMaxMs.map { String(format: "%.1f", $0) } ?? "–",
               generator.readWaitP99Ms.map { String(format: "%.1f", $0) } ?? "–",
               generator.limited ? "  LIMITED BY THE LOAD GENERATOR: its own loops ran late, so latency figures include the swarm's delay" : "")
    }
}
