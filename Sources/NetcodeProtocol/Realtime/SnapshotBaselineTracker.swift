import NIOCore

/// The server's record, for one client, of which snapshot each packet carried and which of them the
/// client has acknowledged: the newest acknowledged one is the baseline for delta encoding.
///
/// Flow per tick: ``makePayload(for:history:lastProcessedInput:now:sequence:)`` with the connection's
/// ``RealtimeConnection/nextSequence``, then seal. For each packet accepted from the client, pass its
/// `newlyAcked` to ``acknowledge(_:)``. When nothing newer than ``maxBaselineAge`` ticks has been
/// acknowledged, snapshots go out in full until an ack arrives again.
///
/// The states themselves live in a ``SnapshotRing`` the caller keeps and passes in: every player of a
/// match is sent the same world, so a server keeps one ring per match (one insert per tick) instead of
/// one per player (a ring of 32 states was 1 KiB per player, and an insert per player per tick).
public struct SnapshotBaselineTracker: Sendable {
    /// The oldest baseline used, in ticks behind the snapshot being sent (1...63, what the base byte carries).
    public let maxBaselineAge: UInt32
    /// The newest snapshot tick the client has acknowledged, `nil` before the first ack.
    public private(set) var acknowledgedTick: UInt32?
    /// Snapshots sent in full / as deltas.
    public private(set) var fullSnapshotsSent: UInt64 = 0
    public private(set) var deltaSnapshotsSent: UInt64 = 0

    /// Which snapshot tick each recent packet carried, flat, 8 bytes a packet: the sequence's low 32 bits
    /// plus one (0 marks an empty slot) and the tick.
    var sequenceTicks: [SequenceTick]
    /// `sequenceTicks.count`, kept inline: finding a slot reads nothing of the (cold) array.
    private let sequenceCapacity: Int

    struct SequenceTick: Sendable {
        var sequenceMark: UInt32
        var tick: UInt32
        static let empty = SequenceTick(sequenceMark: 0, tick: 0)

        static func mark(_ sequence: UInt64) -> UInt32 {
            UInt32(truncatingIfNeeded: sequence) &+ 1
        }
    }

    /// - Parameters:
    ///   - maxBaselineAge: ticks; clamped to 1...63. Keep it below the client's ring capacity
    ///     (``SnapshotReceiver/init(capacity:)``, 64 by default). 30 is one second at 30 ticks/s.
    ///   - sequenceCapacity: packets whose snapshot tick is remembered for acks to find. A baseline is at
    ///     most 63 ticks old and the server sends one snapshot a tick, so a packet more than 64 sequences
    ///     back carries (but for a rare keepalive or path challenge in between) a snapshot too old to use.
    public init(maxBaselineAge: UInt32 = SnapshotBaselineTracker.defaultMaxBaselineAge, sequenceCapacity: Int = 64) {
        self.maxBaselineAge = min(max(maxBaselineAge, 1), SnapshotCodec.maxBaselineOffset)
        self.sequenceCapacity = max(sequenceCapacity, 1)
        self.sequenceTicks = Array(repeating: .empty, count: self.sequenceCapacity)
    }

    /// The oldest baseline used when none is given: one second at 30 ticks/s.
    public static let defaultMaxBaselineAge: UInt32 = 30

    /// Slots the history passed in must have to hold every baseline this tracker may use.
    public var historyCapacity: Int { Self.historyCapacity(maxBaselineAge: maxBaselineAge) }

    /// The same for a tracker with `maxBaselineAge` (clamped as the initializer clamps it).
    public static func historyCapacity(maxBaselineAge: UInt32) -> Int {
        Int(min(max(maxBaselineAge, 1), SnapshotCodec.maxBaselineOffset)) + 2
    }

    /// Remembers that the packet with extended sequence `sequence` carries the snapshot of `tick`.
    public mutating func recordSent(tick: UInt32, sequence: UInt64) {
        sequenceTicks[slot(sequence)] = SequenceTick(sequenceMark: SequenceTick.mark(sequence), tick: tick)
    }

    /// Takes the acks of a packet from the client; the newest acknowledged snapshot becomes the baseline.
    public mutating func acknowledge(_ sequences: AckedSequences) {
        for sequence in sequences { self.acknowledge(sequence: sequence) }
    }

    private mutating func acknowledge(sequence: UInt64) {
        let entry = sequenceTicks[slot(sequence)]
        guard entry.sequenceMark == SequenceTick.mark(sequence) else { return }
        if acknowledgedTick.map({ entry.tick > $0 }) ?? true {
            acknowledgedTick = entry.tick
        }
    }

    /// Same as the other overload, for a plain list of sequences.
    public mutating func acknowledge(_ sequences: [UInt64]) {
        for sequence in sequences { self.acknowledge(sequence: sequence) }
    }

    /// The tick whose state the snapshot of `tick` may be encoded against, or `nil` to send it in full:
    /// nothing is acknowledged yet, or the acknowledged tick is too old.
    public func baselineTick(forTick tick: UInt32) -> UInt32? {
        guard let acknowledgedTick else { return nil }
        let age = tick &- acknowledgedTick
        guard age >= 1, age <= maxBaselineAge else { return nil }
        return acknowledgedTick
    }

    /// The baseline state for the snapshot of `tick` from `history`, or `nil` to send it in full (also
    /// when `history` no longer holds it).
    public func baseline(forTick tick: UInt32, in history: SnapshotRing) -> SnapshotState? {
        baselineTick(forTick: tick).flatMap { history.state(at: $0) }
    }

    /// Encodes the snapshot for this client against the current baseline and records it as sent.
    ///
    /// - Parameters:
    ///   - state: the world at this tick; inserted into `history`.
    ///   - history: the states sent recently, at least ``historyCapacity`` slots.
    ///   - lastProcessedInput: the newest input of this client already applied.
    ///   - now: nanoseconds of the shared monotonic clock (the send time stamped in the snapshot).
    ///   - sequence: the extended sequence of the packet that will carry it: the connection's
    ///     ``RealtimeConnection/nextSequence``, read just before sealing.
    public mutating func makePayload(
        for state: SnapshotState,
        history: inout SnapshotRing,
        lastProcessedInput: UInt32,
        now: UInt64,
        sequence: UInt64
    ) throws(SnapshotEncodingError) -> ByteBuffer {
        history.insert(state)
        var payload = ByteBuffer()
        try writePayload(for: state, history: history, lastProcessedInput: lastProcessedInput, now: now, sequence: sequence, to: &payload)
        return payload
    }

    /// Like ``makePayload(for:history:lastProcessedInput:now:sequence:)``, but appends the payload to
    /// `buffer` (the packet being sealed), so the snapshot is written once, in place, and leaves
    /// inserting `state` into `history` to the caller: once per tick for every player it sends to.
    public mutating func writePayload(
        for state: SnapshotState,
        history: SnapshotRing,
        lastProcessedInput: UInt32,
        now: UInt64,
        sequence: UInt64,
        to buffer: inout ByteBuffer
    ) throws(SnapshotEncodingError) {
        let message = SnapshotMessage(state: state, sendTime: now, lastProcessedInput: lastProcessedInput)
        let base = baseline(forTick: state.tick, in: history)
        try SnapshotCodec.encode(message, baseline: base, into: &buffer)
        if base == nil { fullSnapshotsSent += 1 } else { deltaSnapshotsSent += 1 }
        recordSent(tick: state.tick, sequence: sequence)
    }

    func slot(_ sequence: UInt64) -> Int {
        Int(sequence % UInt64(sequenceCapacity))
    }
}
