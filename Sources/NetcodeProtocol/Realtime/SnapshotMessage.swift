/// The payload of a ``PacketType/snapshot`` packet: the world at one tick plus what a client needs to
/// measure freshness and input latency. Encoded full or as a delta against a baseline the client has
/// acknowledged (``SnapshotCodec``).
public struct SnapshotMessage: Sendable, Equatable {
    public var state: SnapshotState
    /// The low 32 bits of the server's send time in microseconds of the shared monotonic clock. The
    /// receiver restores the full value from its own reading of the same clock (``sendTime(receivedAt:)``).
    public var sendTimeMicrosLow: UInt32
    /// The newest input sequence from this client that the server had processed when it built the
    /// snapshot; 0 when none yet.
    public var lastProcessedInput: UInt32
    /// The tick this message was delta-encoded against, or `nil` for a full snapshot. Set by the codec.
    public internal(set) var baselineTick: UInt32?

    /// - Parameters:
    ///   - state: the world to send.
    ///   - sendTime: now, in nanoseconds of the shared monotonic clock.
    ///   - lastProcessedInput: the newest input of this client already applied.
    public init(state: SnapshotState, sendTime: UInt64, lastProcessedInput: UInt32) {
        self.init(state: state, sendTimeMicrosLow: UInt32(truncatingIfNeeded: sendTime / 1000), lastProcessedInput: lastProcessedInput)
    }

    public init(state: SnapshotState, sendTimeMicrosLow: UInt32, lastProcessedInput: UInt32, baselineTick: UInt32? = nil) {
        self.state = state
        self.sendTimeMicrosLow = sendTimeMicrosLow
        self.lastProcessedInput = lastProcessedInput
        self.baselineTick = baselineTick
    }

    /// The server's send time in nanoseconds (microsecond precision), restored as the latest time not
    /// after `now` (plus one second of slack for the order of clock reads) whose microseconds end in
    /// ``sendTimeMicrosLow``. Right for snapshots younger than about 71 minutes (2^32 microseconds).
    ///
    /// - Parameter now: the receiver's reading of the same monotonic clock, in nanoseconds.
    public func sendTime(receivedAt now: UInt64) -> UInt64 {
        let limit = now / 1000 + 1_000_000
        let back = UInt64(UInt32(truncatingIfNeeded: limit) &- sendTimeMicrosLow)
        let micros = back <= limit ? limit - back : UInt64(sendTimeMicrosLow)
        return micros * 1000
    }

    /// How old the snapshot is at `now`, in nanoseconds (0 if the send time reads as later than `now`).
    public func age(at now: UInt64) -> UInt64 {
        let sent = sendTime(receivedAt: now)
        return now > sent ? now - sent : 0
    }
}
