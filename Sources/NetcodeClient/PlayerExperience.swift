import Histogram

/// What one player experienced during a match, as a bot measures it. Times in microseconds.
public struct PlayerExperience: Sendable {
    /// One-way age of each snapshot on arrival: arrival time minus the server's send time, both read from
    /// the machine's shared monotonic clock.
    public var snapshotLatency = Self.histogram()
    /// At each client frame, the age of the newest state on screen (interpolation delay included).
    public var staleness = Self.histogram()
    /// From sampling an input to the first snapshot that says the server applied it.
    public var inputAcknowledgement = Self.histogram()
    /// Gaps between snapshot arrivals longer than the stall threshold.
    public var stalls = 0
    public var longestStallMicros: UInt64 = 0
    public var snapshotsReceived = 0
    /// Snapshots the server sent this player in the span the bot saw (first to last tick received).
    public var snapshotsExpected = 0
    /// Snapshots the server should have sent by its tick numbers (first to newest snapshot tick, one per
    /// snapshot interval). Above ``snapshotsExpected`` when the server skipped or merged ticks because
    /// it fell behind: a delivery ratio alone would not show that.
    public var snapshotTicksExpected = 0
    public var duplicatesIgnored = 0
    public var lateIgnored = 0
    public var undecodable = 0
    public var packetsSent = 0
    public var packetsReceived = 0
    public var bytesSent = 0
    /// Packets the socket refused to send (not counted in ``packetsSent`` or ``bytesSent``).
    public var sendErrors = 0
    public var bytesReceived = 0
    public var inputsSent = 0
    /// Seconds between the first and the last packet of the session.
    public var durationSeconds = 0.0
    public var rttMilliseconds: Double?
    public var lossUp: Double?
    public var lossDown: Double?

    /// - Parameter compact: keep two significant digits (1% resolution, about 24 KB per histogram)
    ///   instead of three (0.1%, about 170 KB): what a swarm of thousands of bots can afford; creating
    ///   and zeroing half a megabyte per bot at match start was enough to stall a loop.
    /// - Parameter distributions: false for a session whose samples go to its loop's live figures only
    ///   (``RealtimeClientOptions/sessionDistributions``): its histograms are then placeholders that hold
    ///   nothing and cost a few bytes.
    public init(compact: Bool = false, distributions: Bool = true) {
        let make = { distributions ? Self.histogram(compact: compact) : Histogram<UInt64>(highestTrackableValue: 2, numberOfSignificantValueDigits: .one) }
        self.snapshotLatency = make()
        self.staleness = make()
        self.inputAcknowledgement = make()
    }

    /// Adds the distributions of `window` (a loop's or a whole run's live figures) to this experience's.
    public mutating func mergeDistributions(of window: LiveTraffic.Window) {
        Self.combine(&self.snapshotLatency, window.snapshotLatency)
        Self.combine(&self.staleness, window.staleness)
        Self.combine(&self.inputAcknowledgement, window.inputAcknowledgement)
    }

    public var deliveryRatio: Double? {
        self.snapshotsExpected > 0 ? min(1, Double(self.snapshotsReceived) / Double(self.snapshotsExpected)) : nil
    }

    /// An empty histogram of microseconds, 1 µs to 10 minutes, 3 significant digits.
    /// Adds `other`'s counts to `target`, whatever the precision of each (compact bots feed full totals).
    public static func combine(_ target: inout Histogram<UInt64>, _ other: Histogram<UInt64>) {
        guard other.totalCount > 0 else { return }
        if target.numberOfSignificantValueDigits == other.numberOfSignificantValueDigits {
            target.add(other)
        } else {
            for recorded in other.recordedValues() { _ = target.record(recorded.value, count: recorded.count) }
        }
    }

    public static func histogram(compact: Bool = false) -> Histogram<UInt64> {
        Histogram(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: compact ? .two : .three)
    }

    /// Adds another player's experience to this one (swarm totals).
    public mutating func merge(_ other: PlayerExperience) {
        Self.combine(&self.snapshotLatency, other.snapshotLatency)
        Self.combine(&self.staleness, other.staleness)
        Self.combine(&self.inputAcknowledgement, other.inputAcknowledgement)
        self.stalls += other.stalls
        self.longestStallMicros = max(self.longestStallMicros, other.longestStallMicros)
        self.snapshotsReceived += other.snapshotsReceived
        self.snapshotsExpected += other.snapshotsExpected
        self.snapshotTicksExpected += other.snapshotTicksExpected
        self.duplicatesIgnored += other.duplicatesIgnored
        self.lateIgnored += other.lateIgnored
        self.undecodable += other.undecodable
        self.packetsSent += other.packetsSent
        self.packetsReceived += other.packetsReceived
        self.bytesSent += other.bytesSent
        self.sendErrors += other.sendErrors
        self.bytesReceived += other.bytesReceived
        self.inputsSent += other.inputsSent
        self.durationSeconds += other.durationSeconds
    }
}
