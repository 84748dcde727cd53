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
        public var staleness = PlayerExperience.histogram()
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
            if other.staleness.totalCount > 0 { self.staleness.add(other.staleness) }
            self.frames += other.frames
            self.lateFrames += other.lateFrames
            if other.frameLag.totalCount > 0 { self.frameLag.add(other.frameLag) }
        }

        var isEmpty: Bool { self.frames == 0 && self.packetsSent == 0 && self.packetsReceived == 0 }
    }

    /// The load generator's punctuality over the whole run.
    public struct Punctuality: Sendable {
        public var frames = 0
        public var lateFrames = 0
        /// Microseconds each frame fired after its intended time.
        public var frameLag = Window.lagHistogram()

        public init() {}
    }

    private struct State {
        var window = Window()
        var punctuality = Punctuality()
    }

    private let state = NIOLockedValueBox(State())

    public init() {}

    /// Adds one event loop's figures gathered since its last merge.
    func merge(_ window: Window) {
        self.state.withLockedValue { state in
            state.window.merge(window)
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

    /// The generator's punctuality since the start.
    public var punctuality: Punctuality {
        self.state.withLockedValue { $0.punctuality }
    }
}
