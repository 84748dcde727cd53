import Histogram
import NIOConcurrencyHelpers

/// Traffic and staleness of many clients for the current reporting window: the swarm's live line reads
/// and resets it every second. Also keeps, for the whole run, how punctual the clients' event loops
/// were, so a report can say when the load generator itself was the bottleneck.
///
/// Clients never touch it per packet: each event loop's frame clock gathers its clients' figures
/// without a lock and merges them here a few times a second (one short lock per loop per merge).
public final class LiveTraffic: Sendable {
    public struct Window: Sendable {
        public var packetsSent = 0
        public var packetsReceived = 0
        public var bytesSent = 0
        public var bytesReceived = 0
        public var snapshots = 0
        public var staleness = PlayerExperience.histogram(compact: true)
        public var snapshotLatency = PlayerExperience.histogram(compact: true)
        /// Server send time to the kernel's receive timestamp at the bot's socket: the snapshot's trip
        /// without the wait for the bot's loop to read it (sockets that stamp arrivals only).
        public var arrivalLatency = PlayerExperience.histogram(compact: true)
        /// The kernel's arrival stamp to the bot's read of the snapshot: the swarm's own share of its latency.
        public var readWait = PlayerExperience.histogram(compact: true)
        public var inputAcknowledgement = PlayerExperience.histogram(compact: true)
        public var stalls = 0
        /// Snapshot ticks the server skipped or merged, as each bot's newest snapshot shows: its tick moved
        /// further than its packet number (a shard that ran late steps twice and sends once). Signed: a
        /// window may take back what another gave (a packet that carried no new tick), so the windows of a
        /// session add up to its whole-run figure.
        public var serverTicksMissed = 0
        /// Frames the clocks fired, and those that fired more than one frame interval late.
        public var frames = 0
        public var lateFrames = 0
        /// How late each frame fired after its intended time, in microseconds.
        public var frameLag = Self.lagHistogram()

        static func lagHistogram() -> Histogram<UInt64> {
            Histogram(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .two)
        }

        mutating func merge(_ other: Window) {
            self.packetsSent += other.packetsSent
            self.packetsReceived += other.packetsReceived
            self.bytesSent += other.bytesSent
            self.bytesReceived += other.bytesReceived
            self.snapshots += other.snapshots
            self.stalls += other.stalls
            self.serverTicksMissed += other.serverTicksMissed
            if other.staleness.totalCount > 0 { self.staleness.add(other.staleness) }
            if other.snapshotLatency.totalCount > 0 { self.snapshotLatency.add(other.snapshotLatency) }
            if other.arrivalLatency.totalCount > 0 { self.arrivalLatency.add(other.arrivalLatency) }
            if other.readWait.totalCount > 0 { self.readWait.add(other.readWait) }
            if other.inputAcknowledgement.totalCount > 0 { self.inputAcknowledgement.add(other.inputAcknowledgement) }
            self.frames += other.frames
            self.lateFrames += other.lateFrames
            if other.frameLag.totalCount > 0 { self.frameLag.add(other.frameLag) }
        }

        var isEmpty: Bool { self.frames == 0 && self.packetsSent == 0 && self.packetsReceived == 0 && self.stalls == 0 && self.serverTicksMissed == 0 }
    }

    /// The load generator's punctuality over the whole run.
    public struct Punctuality: Sendable {
        public var frames = 0
        public var lateFrames = 0
        /// Microseconds each frame fired after its intended time.
        public var frameLag = Window.lagHistogram()

        public init() {}
    }

    /// What the clients measured while the run was steady (see ``setSteady(_:)``): the figures a
    /// capacity run reports, free of the ramp-up and the wind-down.
    public struct Steady: Sendable {
        public var window = Window()
        public var seconds = 0.0
    }

    private struct State {
        var window = Window()
        var punctuality = Punctuality()
        var steady = Steady()
        /// Every window merged since the start.
        var whole = Window()
        var isSteady = false
        var steadySince: ContinuousClock.Instant?
    }

    private let state = NIOLockedValueBox(State())

    public init() {}

    /// Adds one event loop's figures gathered since its last merge.
    func merge(_ window: Window) {
        self.state.withLockedValue { state in
            state.window.merge(window)
            state.whole.merge(window)
            if state.isSteady { state.steady.window.merge(window) }
            state.punctuality.frames += window.frames
            state.punctuality.lateFrames += window.lateFrames
            if window.frameLag.totalCount > 0 { state.punctuality.frameLag.add(window.frameLag) }
        }
    }

    /// The window so far; a new one starts.
    public func take() -> Window {
        self.state.withLockedValue { state in
            defer { state.window = Window() }
            return state.window
        }
    }

    /// Marks the start or the end of the steady part of a run (every bot in a match). Figures merged
    /// while it is steady also go to ``steady``; a merge carries at most a quarter second, so the
    /// window's edges are that precise.
    public func setSteady(_ steady: Bool) {
        self.state.withLockedValue { state in
            guard state.isSteady != steady else { return }
            state.isSteady = steady
            if steady {
                state.steadySince = .now
            } else if let since = state.steadySince {
                let elapsed = ContinuousClock.now - since
                state.steady.seconds += Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                state.steadySince = nil
            }
        }
    }

    /// The figures of the steady part of the run so far.
    public var steady: Steady {
        self.state.withLockedValue { state in
            var steady = state.steady
            if let since = state.steadySince {
                let elapsed = ContinuousClock.now - since
                steady.seconds += Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            }
            return steady
        }
    }

    /// Every figure merged since the start: the sum of all the loops' windows, so its distributions hold
    /// every sample of every session that reported here.
    public var wholeRun: Window {
        self.state.withLockedValue { $0.whole }
    }

    /// The generator's punctuality since the start.
    public var punctuality: Punctuality {
        self.state.withLockedValue { $0.punctuality }
    }
}
