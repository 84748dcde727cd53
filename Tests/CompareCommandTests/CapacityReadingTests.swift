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

    @Test("the machine's CPU comes from /proc/stat's cpu line, in seconds over every core")
    func machineCPUFromProcStat() throws {
        let text = "cpu  149563 5 37856 139742 749 0 11924 2136 0 0\ncpu0 74000 2 18000 70000 300 0 6000 1000 0 0\nintr 1 2 3\n"
        let machine = try #require(MachineCPU(procStat: text, ticksPerSecond: 100))
        #expect(abs(machine.busy - (149563 + 5 + 37856 + 0 + 11924) / 100.0) < 1e-9)
        #expect(abs(machine.idle - (139742 + 749) / 100.0) < 1e-9)
        #expect(abs(machine.steal - 21.36) < 1e-9)
        #expect(MachineCPU(procStat: "cpu0 1 2 3 4 5 6 7 8\n", ticksPerSecond: 100) == nil, "a per-core line alone is not the machine's")
        #expect(MachineCPU(procStat: "cpu  1 2 x 4 5 6 7 8\n", ticksPerSecond: 100) == nil)
        #expect(MachineCPU(procStat: "cpu  1 2 3\n", ticksPerSecond: 100) == nil)
        // This machine's own: read, and its time only grows.
        let first = try #require(ProcessFigures.machineCPU())
        let second = try #require(ProcessFigures.machineCPU())
        #expect(first.busy + first.idle > 0 && second.busy + second.idle >= first.busy + first.idle)
    }

    @Test("the window's machine figures: what neither the server nor the swarm used, said when it is large")
    func otherWorkOnTheMachineIsShown() {
        let start = ContinuousClock.now
        func reading(at seconds: Int, server: Double, swarm: Double, busy: Double, idle: Double, steal: Double) -> Reading {
            Reading(wall: start + .seconds(seconds), serverCPU: server, swarmCPU: swarm, udp: [:], serverDrops: 0,
                    machine: MachineCPU(busy: busy, idle: idle, steal: steal))
        }
        let before = reading(at: 0, server: 100, swarm: 50, busy: 1000, idle: 500, steal: 10)
        // 10 s: the server used 8 s, the swarm 7 s, the machine was busy 18 s and idle 2 s.
        let busy = self.step.result(window: (before, reading(at: 10, server: 108, swarm: 57, busy: 1018, idle: 502, steal: 11)),
                                    json: [:], idleRSS: nil, steadyRSS: nil, floor: nil, notes: [])
        #expect(abs((busy.otherCores ?? -1) - 0.3) < 1e-9)
        #expect(abs((busy.machineIdleCores ?? -1) - 0.2) < 1e-9)
        #expect(abs((busy.stealCores ?? -1) - 0.1) < 1e-9)
        #expect(busy.notes.contains { $0.contains("other work took 0.30 cores") })
        #expect(busy.notes.contains { $0.contains("took 0.10 cores") && $0.contains("steal") })
        #expect(CapacityTable.markdown([busy]).contains("| 0.20 / 0.30 / 0.10 |"))
        #expect(CapacityTable.row(busy).contains("machine idle/others/steal 0.20 / 0.30 / 0.10 cores"))

        // The two processes were all the machine did: nothing else said, and rounding never shows below 0.
        let quiet = self.step.result(window: (before, reading(at: 10, server: 108, swarm: 57, busy: 1014.9, idle: 505, steal: 10)),
                                     json: [:], idleRSS: nil, steadyRSS: nil, floor: nil, notes: [])
        #expect(quiet.otherCores == 0)
        #expect(!quiet.notes.contains { $0.contains("other work") || $0.contains("steal") })
    }
}
