/// When a client samples its inputs: one per tick interval at intended times, each taken at a frame.
///
/// The intended times stay fixed (start + k × interval), so a frame that fires late takes the inputs it
/// owes with the times they were due, and the lateness shows in input→ack instead of being skipped
/// (coordinated omission). At the first frame the frame clock drives, the schedule moves onto that
/// frame's own intended time: the frames and the inputs then keep step, and an input no longer waits out
/// a fixed offset between the two clocks (up to a whole frame, the same for every input of a session)
/// before it can leave. That wait is not the network's or the server's, yet it was half of the input→ack
/// the swarm reported (about two ticks at the 99th percentile where the path takes one).
struct InputSchedule {
    let tickNanos: UInt64
    /// An input due this little after a frame is taken at that frame (half a frame): the frame clock and
    /// the schedule round their intervals apart by a nanosecond or so a tick, and without the slack an
    /// input would drift just past its frame and wait a whole frame.
    let slackNanos: UInt64
    /// At most this many inputs are taken at one frame (a packet carries no more).
    let maximumPerFrame: Int
    /// When the next input is due.
    private(set) var nextDue: UInt64
    private var aligned = false

    init(tickRate: Int, frameRate: Int, maximumPerFrame: Int, start: UInt64) {
        self.tickNanos = 1_000_000_000 / UInt64(max(tickRate, 1))
        self.slackNanos = 1_000_000_000 / UInt64(max(frameRate, 1)) / 2
        self.maximumPerFrame = max(maximumPerFrame, 1)
        self.nextDue = start
    }

    /// Takes the inputs due at a frame running at `now`, calling `sample` with each one's time: when it
    /// was due, or `now` if that is earlier (taken within the slack, before its time). `frameDue` is when
    /// the frame was meant to run (nil for a frame outside the clock, such as a session's first).
    /// Returns how many were taken.
    mutating func take(now: UInt64, frameDue: UInt64?, _ sample: (UInt64) -> Void) -> Int {
        if let frameDue, !self.aligned {
            self.aligned = true
            self.nextDue = frameDue
        }
        var taken = 0
        while now + self.slackNanos >= self.nextDue, taken < self.maximumPerFrame {
            sample(min(now, self.nextDue))
            self.nextDue += self.tickNanos
            taken += 1
        }
        // Far behind (a paused process): resume from now instead of inventing a burst of inputs.
        if taken > 0, now >= self.nextDue { self.nextDue = now + self.tickNanos }
        return taken
    }
}
