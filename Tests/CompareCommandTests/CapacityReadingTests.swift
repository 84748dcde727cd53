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
}
