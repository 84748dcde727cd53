import Foundation
import Testing
@testable import netcode

/// A capacity step's live line reads each process's CPU from /proc; a process that has exited has no
/// figure, and the line says so instead of printing the negative rate of a missing reading.
@Suite struct CapacityReadingTests {
    @Test func coresBetweenTwoReadings() {
        #expect(Reading.cores(10.0, 10.5, seconds: 1) == "0.50 cores")
        #expect(Reading.cores(10.0, 12.0, seconds: 2) == "1.00 cores")
    }

    @Test func aProcessThatExitedHasNoRate() {
        #expect(Reading.cores(10.0, nil, seconds: 1) == "exited")
        #expect(Reading.cores(nil, 3.0, seconds: 1) == "exited")
    }

    @Test func aReadingOfAnExitedProcessIsNotAWindowReading() {
        let alive = Reading(wall: .now, serverCPU: 1, swarmCPU: 2, udp: [:], serverDrops: 0)
        let swarmGone = Reading(wall: .now, serverCPU: 1, swarmCPU: nil, udp: [:], serverDrops: 0)
        #expect(alive.bothRunning)
        #expect(!swarmGone.bothRunning)
        // The figure the live line was missing comes from /proc: this process's own is there.
        #expect(ProcessFigures.cpuSeconds(pid: getpid()) != nil)
        #expect(ProcessFigures.cpuSeconds(pid: -1) == nil)
    }

    /// The swarm's report of a run whose ramp-up was late (logins) and whose steady part was not.
    private func swarmJSON(steadyLimited: Bool, steadyStalls: Double, steadyTicksMissed: Int = 0) -> [String: Any] {
        let latency: [String: Any] = ["p50": 1.0, "p99": 4.0, "max": 9.0]
        return [
            "generator": ["limited": true, "late_frame_ratio": 0.02, "frame_lag_p99_ms": 40.0, "read_wait_p99_ms": 9.0],
            "stalls": ["per_minute": 3.0],
            "server_ticks_missed": 120,
            "snapshot_latency_ms": ["p50": 2.0, "p99": 30.0, "max": 60.0],
            "steady_window": [
                "snapshot_latency_ms": latency, "input_ack_ms": latency,
                "generator": ["limited": steadyLimited, "late_frame_ratio": steadyLimited ? 0.05 : 0.001, "frame_lag_p99_ms": steadyLimited ? 12.0 : 2.0,
                              "read_wait_p99_ms": steadyLimited ? 6.0 : 0.5],
                "stalls_per_minute": steadyStalls,
                "server_ticks_missed": steadyTicksMissed,
            ] as [String: Any],
        ]
    }

    private var step: CapacityStep {
        CapacityStep(executable: "/bin/true", bots: 10, roomSize: 10, ramp: 10, matchSeconds: 5, tickRate: 30, shards: 1,
                     tcpPort: 1, udpPort: 2, echoPort: 3, folder: URL(fileURLWithPath: "/tmp"), progress: { _ in })
    }

    @Test("the generator's verdict and the stalls come from the window the latency comes from")
    func steadyWindowJudgesTheGenerator() {
        let kept = self.step.result(window: nil, json: self.swarmJSON(steadyLimited: false, steadyStalls: 0), idleRSS: nil, steadyRSS: nil, floor: nil, notes: [])
        #expect(kept.snapshotLatencyP99Ms == 4.0, "latency of the steady window")
        #expect(!kept.generatorLimited, "the swarm kept up while the latency was measured")
        #expect(kept.generatorLagP99Ms == 2.0)
        #expect(kept.generatorReadWaitP99Ms == 0.5)
        #expect(CapacityTable.generator(kept) == "ok (read wait p99 0.5 ms)")
        #expect(CapacityTable.markdown([kept]).contains("| ok (read wait p99 0.5 ms) |"))
        #expect(kept.stallsPerMinute == 0)
        #expect(kept.notes.contains { $0.contains("outside the steady window") }, "the late ramp-up is still said")
        #expect(kept.notes.contains { $0.contains("3.00 per player-minute") }, "and so are the whole run's stalls")

        let late = self.step.result(window: nil, json: self.swarmJSON(steadyLimited: true, steadyStalls: 1.5), idleRSS: nil, steadyRSS: nil, floor: nil, notes: [])
        #expect(late.generatorLimited)
        #expect(late.generatorLateFrameRatio == 0.05)
        #expect(CapacityTable.generator(late) == "LIMITED (read wait p99 6.0 ms)")
        #expect(late.notes.contains { $0.contains("snapshots waited for it p99 6.0 ms") })
        #expect(late.stallsPerMinute == 1.5)
        #expect(!late.notes.contains { $0.contains("outside the steady window") })

        // Ticks the server skipped or merged: the steady window's, and the whole run's said when more.
        let merged = self.step.result(window: nil, json: self.swarmJSON(steadyLimited: false, steadyStalls: 0, steadyTicksMissed: 7), idleRSS: nil, steadyRSS: nil, floor: nil, notes: [])
        #expect(merged.serverTicksMissed == 7)
        #expect(merged.notes.contains { $0.contains("skipped or merged over the whole run") && $0.contains("120") })
        #expect(kept.serverTicksMissed == 0)

        // A swarm that saw no steady window: the whole run's figures, and a note that says so.
        var whole = self.swarmJSON(steadyLimited: false, steadyStalls: 0)
        whole["steady_window"] = nil
        let run = self.step.result(window: nil, json: whole, idleRSS: nil, steadyRSS: nil, floor: nil, notes: [])
        #expect(run.generatorLimited && run.snapshotLatencyP99Ms == 30.0 && run.stallsPerMinute == 3.0 && run.serverTicksMissed == 120)
        #expect(run.notes.contains { $0.contains("whole run") })
    }
}
