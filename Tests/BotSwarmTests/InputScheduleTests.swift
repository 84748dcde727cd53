import Testing
@testable import NetcodeClient

/// The input schedule of a client session: one input per tick at intended times, taken at frames, in step
/// with the frame clock from its first frame on.
@Suite struct InputScheduleTests {
    static let tick: UInt64 = 1_000_000_000 / 30
    static let frame: UInt64 = 33_333_332  // the frame clock's four phases of 8,333,333 ns

    /// Runs frames meant for `start + j * frame`, each running `lateness(j)` after its time, for
    /// `frames` frames; returns (frame index, sample time) of every input taken.
    static func run(_ schedule: inout InputSchedule, from start: UInt64, frames: Int, lateness: (Int) -> UInt64 = { _ in 50_000 }) -> [(Int, UInt64)] {
        var taken: [(Int, UInt64)] = []
        for index in 0..<frames {
            let due = start + UInt64(index) * Self.frame
            _ = schedule.take(now: due + lateness(index), frameDue: due) { taken.append((index, $0)) }
        }
        return taken
    }

    @Test func afterTheFirstClockFrameEachInputIsTakenAtTheFrameItIsDueIn() {
        // The session starts 5 ms before its phase of the frame clock first fires: kept for every input,
        // that offset would make each wait 28 ms, most of a frame, for the frame after its time.
        let start: UInt64 = 1_000_000_000
        var schedule = InputSchedule(tickRate: 30, frameRate: 30, maximumPerFrame: 5, start: start)
        var first: [UInt64] = []
        #expect(schedule.take(now: start, frameDue: nil) { first.append($0) } == 1, "the session's own first frame sends an input at once")
        #expect(first == [start])
        let clockStart = start + 5_000_000
        // An hour of frames: the clock's frame (33,333,332 ns) and the tick (33,333,333 ns) drift apart
        // by a nanosecond a frame, 108 µs in all; the slack keeps each input at its frame.
        let frames = 108_000
        let taken = Self.run(&schedule, from: clockStart, frames: frames)
        #expect(taken.count == frames, "one input a frame at 30 frames and 30 ticks a second: \(taken.count)")
        let worst = taken.map { index, time in Int64(clockStart + UInt64(index) * Self.frame + 50_000) - Int64(time) }.max() ?? 0
        #expect(worst <= 200_000, "each input is taken within its frame's lateness plus the drift, not a frame late: worst \(worst) ns")
        #expect(taken.allSatisfy { index, time in time <= clockStart + UInt64(index) * Self.frame + 50_000 }, "never stamped after it was taken")
    }

    @Test func aLateFrameTakesWhatItOwesWithTheTimesTheyWereDue() {
        let start: UInt64 = 5_000_000_000
        var schedule = InputSchedule(tickRate: 30, frameRate: 30, maximumPerFrame: 5, start: start)
        _ = schedule.take(now: start, frameDue: nil) { _ in }
        // Frame 10 runs 80 ms late: it takes its own input and the ones due while it waited, stamped with
        // their intended times (the lateness shows in input→ack), and frames after it take one each.
        let taken = Self.run(&schedule, from: start, frames: 20) { $0 == 10 ? 80_000_000 : 50_000 }
        let atLateFrame = taken.filter { $0.0 == 10 }.map(\.1)
        #expect(atLateFrame.count == 3, "frame 10 and the two due before it ran: \(atLateFrame.count)")
        #expect(atLateFrame == [start + 10 * Self.tick, start + 11 * Self.tick, start + 12 * Self.tick],
                "stamped when they were due: \(atLateFrame)")
        #expect(taken.filter { $0.0 == 11 || $0.0 == 12 }.isEmpty, "the frames it caught up for take nothing again")
        #expect(taken.count == 20, "no input skipped and none invented: \(taken.count)")
    }

    @Test func aFasterFrameRateTakesAnInputEveryFewFramesAndAPausedProcessResumesFromNow() {
        let start: UInt64 = 0
        var schedule = InputSchedule(tickRate: 30, frameRate: 60, maximumPerFrame: 5, start: start)
        var count = 0
        for index in 0..<600 {
            let due = start + UInt64(index) * 16_666_666
            count += schedule.take(now: due + 30_000, frameDue: due) { _ in }
        }
        #expect((299...301).contains(count), "30 inputs a second at 60 frames a second: \(count) in 10 s")
        // Paused for 10 s: at most a packet's worth is taken, and the schedule resumes from now.
        let resumed: UInt64 = 20_000_000_000
        #expect(schedule.take(now: resumed, frameDue: resumed) { _ in } == 5)
        #expect(schedule.nextDue == resumed + Self.tick)
    }
}
