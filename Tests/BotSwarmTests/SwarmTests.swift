import Foundation
import LinkEmulator
import NetcodeClient
import Logging
import NetcodeProtocol
import NetcodeServer
import NetcodeStore
import Testing
@testable import BotSwarm

/// A small swarm against a real server on loopback.
@Suite struct SwarmTests {
    /// Matches end by their tick count; 6 s leave bots that a starved machine starts late time to receive
    /// snapshots before the last tick (what the tests assert are ratios, not counts per second).
    func withServer(_ transport: UpdateTransport, matchSeconds: Double = 6, _ body: (Int) async throws -> Void) async throws {
        var logger = Logger(label: "test.swarm")
        logger.logLevel = .critical
        let database = try NetcodeDatabase.inMemory()
        let server = try GameServer(
            configuration: ServerConfiguration(tcpPort: 0, udpPort: 0, passwordIterations: 1_000, defaultTransport: transport,
                                               match: MatchSettings(durationSeconds: matchSeconds, seed: 5)),
            database: database,
            logger: logger
        )
        let port = try await server.bind()
        let task = Task { try await server.run() }
        try await body(port)
        server.shutdown()
        try await task.value
        let stored = try await database.recentMatches(limit: 10)
        #expect(!stored.isEmpty, "the swarm's matches are in the database")
    }

    /// With and without histograms per session: without, every sample reaches the report through the
    /// loops' live figures (what swarms of 200 bots or more do).
    @Test("bots sharing one UDP socket per loop play as bots with their own, and the report says the generator kept up", arguments: [true, false])
    func sharedSocketSwarm(sessionDistributions: Bool) async throws {
        // Long enough matches that the once-a-second check finds every bot in one, even on a busy machine.
        try await self.withServer(.udp, matchSeconds: 10) { port in
            let configuration = SwarmConfiguration(
                tcpPort: port, localHost: "127.0.0.1", count: 6, rampPerSecond: 100, matches: 1, roomSize: 3, seed: 11,
                client: RealtimeClientOptions(sharedSocket: true, compactHistograms: !sessionDistributions, sessionDistributions: sessionDistributions),
                thresholds: SwarmThresholds(maximumErrors: 0)
            )
            let report = await SwarmRunner(configuration: configuration).run { _ in }
            #expect(report.bots.failed == 0)
            #expect(report.stalenessMs.count > 0 && report.inputAckMs.count > 0)
            #expect(report.playerMatches == 6)
            #expect(report.errors.isEmpty, "\(report.errors)")
            #expect((report.deliveryRatio ?? 0) > 0.8, "each session got its own snapshots through the shared socket")
            // A sample per snapshot received: counts follow what arrived, not what a second should hold.
            #expect(report.snapshotLatencyMs.count > 0 && report.snapshotLatencyMs.count <= UInt64(report.snapshotsReceived))
            #expect(report.generator.frames > 0, "the frame clocks reported their punctuality")
            #expect(report.serverTicksMissed >= 0)
            let steady = try #require(report.steady, "all six bots were in a match together for a while")
            #expect(steady.seconds > 0)
            #expect(steady.snapshotLatencyMs.count > 0 && steady.snapshotLatencyMs.count <= report.snapshotLatencyMs.count)
            #expect(steady.generator.frames > 0 && steady.generator.frames <= report.generator.frames, "the steady window's punctuality is a part of the run's")
            #expect(steady.stalls >= 0 && steady.stalls <= report.stalls.count)
            // Shared sockets stamp arrivals: each snapshot's trip to the socket is part of its latency, so no
            // sample of it exceeds the largest latency (within the histograms' 1%).
            let arrival = try #require(report.arrivalLatencyMs, "the shared sockets stamp each arrival")
            #expect(arrival.count > 0 && arrival.count <= report.snapshotLatencyMs.count)
            #expect((arrival.max ?? .infinity) <= (report.snapshotLatencyMs.max ?? 0) * 1.02 + 0.01)
            let json = try JSONSerialization.jsonObject(with: report.json()) as? [String: Any]
            #expect((json?["generator"] as? [String: Any])?["limited"] is Bool)
            let steadyJSON = json?["steady_window"] as? [String: Any]
            #expect((steadyJSON?["generator"] as? [String: Any])?["limited"] is Bool)
            #expect(steadyJSON?["stalls_per_minute"] is Double)
            #expect(json?["server_ticks_missed"] is Int)
        }
    }

    @Test("the live line shows the second's p99 snapshot latency and staleness")
    func progressLine() {
        var progress = SwarmProgress(
            elapsed: .seconds(3), connected: 10, target: 10, inMatch: 10, failures: 0, packetsSentPerSecond: 300,
            packetsReceivedPerSecond: 300, bytesSentPerSecond: 12_000, bytesReceivedPerSecond: 21_000,
            p99StalenessMs: 66.7, p99LatencyMs: 4.5
        )
        #expect(progress.line.contains("p99 latency 4.5 ms  staleness 66.7 ms"), "\(progress.line)")
        progress.p99LatencyMs = nil
        #expect(progress.line.contains("p99 latency –"), "no snapshot in the second: no figure, not zero")
    }

    @Test("experiences of different precision merge without losing a sample")
    func compactExperiencesMerge() {
        var total = PlayerExperience()
        var compact = PlayerExperience(compact: true)
        for value: UInt64 in [1_000, 2_500, 70_000, 1_200_000] { _ = compact.snapshotLatency.record(value) }
        var full = PlayerExperience()
        _ = full.snapshotLatency.record(3_000)
        total.merge(compact)
        total.merge(full)
        #expect(total.snapshotLatency.totalCount == 5)
        #expect(total.snapshotLatency.max >= 1_188_000, "the largest sample survives within 1%")
        #expect(total.snapshotLatency.min <= 1_010)
    }

    @Test("a swarm whose own loops ran late marks itself as the bottleneck")
    func generatorLimit() {
        var punctuality = LiveTraffic.Punctuality()
        punctuality.frames = 1000
        punctuality.lateFrames = 5
        for _ in 0..<1000 { _ = punctuality.frameLag.record(2_000) }
        #expect(!SwarmReport.Generator(punctuality).limited, "0.5% late frames and 2 ms lag: the swarm kept up")
        punctuality.lateFrames = 50
        #expect(SwarmReport.Generator(punctuality).limited, "5% late frames")
        punctuality.lateFrames = 0
        for _ in 0..<100 { _ = punctuality.frameLag.record(40_000) }
        #expect(SwarmReport.Generator(punctuality).limited, "p99 lag of 40 ms")

        // Punctual frames, but snapshots that waited in the socket for the swarm's loop.
        var onTime = LiveTraffic.Punctuality()
        onTime.frames = 1000
        for _ in 0..<1000 { _ = onTime.frameLag.record(1_000) }
        var readWait = PlayerExperience.histogram(compact: true)
        for _ in 0..<1000 { _ = readWait.record(300) }
        let quick = SwarmReport.Generator(onTime, readWait: readWait)
        #expect(!quick.limited && quick.readWaitP99Ms.map { $0 < 0.31 } == true, "read within 0.3 ms: the swarm kept up")
        for _ in 0..<50 { _ = readWait.record(8_000) }
        let slow = SwarmReport.Generator(onTime, readWait: readWait)
        #expect(slow.limited, "p99 read wait of 8 ms: the latency figures carry the swarm's own delay")
        #expect(!SwarmReport.Generator(onTime).limited, "no arrival stamps: judged by its frames alone")
    }

    @Test(arguments: [UpdateTransport.udp, .tcp])
    func aSmallSwarmPlaysAndReports(transport: UpdateTransport) async throws {
        try await self.withServer(transport) { port in
            let configuration = SwarmConfiguration(
                tcpPort: port, localHost: "127.0.0.1", count: 6, rampPerSecond: 100, matches: 1, roomSize: 3, seed: 9,
                // The checks are exercised here, not the machine: the staleness limit is a hang guard (a
                // starved machine stalls a match for seconds); delivery is a ratio, which load barely moves
                // on loopback.
                thresholds: SwarmThresholds(maximumP99Staleness: .seconds(60), minimumDelivery: 0.8, maximumErrors: 0)
            )
            let progressLines = LockedCounter()
            let report = await SwarmRunner(configuration: configuration).run { _ in progressLines.increment() }
            #expect(report.bots.connected == 6)
            #expect(report.bots.failed == 0)
            #expect(report.matches == 2)
            #expect(report.playerMatches == 6)
            #expect(report.errors.isEmpty, "\(report.errors)")
            #expect((report.deliveryRatio ?? 0) > 0.9)
            // One sample per snapshot received (six bots, 6 s at 30 Hz: up to 1,080); a loaded machine merges
            // ticks and starts bots late, so the count is compared with what arrived, not with the clock.
            #expect(report.snapshotLatencyMs.count > 0 && report.snapshotLatencyMs.count <= UInt64(report.snapshotsReceived))
            #expect(report.arrivalLatencyMs == nil, "sockets of their own are read by SwiftNIO, which keeps no arrival stamp")
            #expect(report.stalenessMs.p50 ?? 0 >= 60, "two snapshot intervals of interpolation at 30 Hz")
            #expect(report.passed)
            // The three thresholds given, after the check every run has (snapshots received).
            #expect(report.checks.count == 4)
            #expect(report.checks.first?.name == "snapshots received >")
            #expect(progressLines.value >= 1, "a live line each second")

            let json = try JSONSerialization.jsonObject(with: report.json()) as? [String: Any]
            #expect(json?["delivery_ratio"] is Double)
            #expect((json?["snapshot_latency_ms"] as? [String: Any])?["p99_9"] != nil)
            let csv = report.csv().split(separator: "\n")
            #expect(csv.count == 2)
            #expect(csv[0].split(separator: ",").count == csv[1].split(separator: ",", omittingEmptySubsequences: false).count)
        }
    }

    @Test func deliveryFollowsTheConfiguredLoss() async throws {
        try await self.withServer(.udp) { port in
            var client = RealtimeClientOptions()
            client.impairment = LinkProfile.symmetric(name: "loss10", about: "", ImpairmentProfile(loss: 0.10))
            let configuration = SwarmConfiguration(tcpPort: port, localHost: "127.0.0.1", count: 8, matches: 1, roomSize: 4, seed: 11, client: client)
            let report = await SwarmRunner(configuration: configuration).run()
            #expect(report.playerMatches == 8)
            let delivery = try #require(report.deliveryRatio)
            // The loss can only lower delivery; a loaded machine lowers it further (late or dropped
            // datagrams), never raises it: the upper bound shows the loss, the lower one leaves room for load.
            #expect(delivery > 0.70 && delivery < 0.96, "10% downstream loss, delivery \(delivery)")
            #expect(report.inputAckMs.count > 0, "inputs still get through 10% upstream loss")
        }
    }

    @Test func aMissedThresholdFailsTheRun() async throws {
        try await self.withServer(.udp) { port in
            let configuration = SwarmConfiguration(
                tcpPort: port, localHost: "127.0.0.1", count: 2, matches: 1, roomSize: 2, seed: 10,
                // Staleness can't be below the interpolation delay: this limit must be missed.
                thresholds: SwarmThresholds(maximumP99Staleness: .milliseconds(1))
            )
            let report = await SwarmRunner(configuration: configuration).run()
            #expect(report.playerMatches == 2)
            #expect(!report.passed)
            #expect(report.checks.first { $0.name.hasPrefix("p99 staleness") }?.passed == false)
        }
    }
}

final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { self.lock.withLock { self.count += 1 } }
    var value: Int { self.lock.withLock { self.count } }
}
