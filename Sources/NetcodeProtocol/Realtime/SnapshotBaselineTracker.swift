import NIOCore

/// The server's record, for one client, of which snapshot each packet carried and which of them the
/// client has acknowledged: the newest acknowledged one is the baseline for delta encoding.
///
/// Flow per tick: ``makePayload(for:lastProcessedInput:now:sequence:)`` with the connection's
/// ``RealtimeConnection/nextSequence``, then seal. For each packet accepted from the client, pass its
/// `newlyAcked` to ``acknowledge(_:)``. When nothing newer than ``maxBaselineAge`` ticks has been
/// acknowledged, snapshots go out in full until an ack arrives again.
public struct SnapshotBaselineTracker: Sendable {
    /// The oldest baseline used, in ticks behind the snapshot being sent (1...63, what the base byte carries).
    public let maxBaselineAge: UInt32
    /// The newest snapshot tick the client has acknowledged, `nil` before the first ack.
    public private(set) var acknowledgedTick: UInt32?
    /// Snapshots sent in full / as deltas.
    public private(set) var fullSnapshotsSent: UInt64 = 0
    public private(set) var deltaSnapshotsSent: UInt64 = 0

    private var sentStates: SnapshotRing
    /// Which snapshot tick each recent packet carried, flat, 8 bytes a packet: the sequence's low 32 bits
    /// plus one (0 marks an empty slot) and the tick.
    private var sequenceTicks: [SequenceTick]

    private struct SequenceTick: Sendable {
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
    public init(maxBaselineAge: UInt32 = 30, sequenceCapacity: Int = 64) {
        self.maxBaselineAge = min(max(maxBaselineAge, 1), SnapshotCodec.maxBaselineOffset)
        self.sentStates = SnapshotRing(capacity: Int(self.maxBaselineAge) + 2)
        self.sequenceTicks = Array(repeating: .empty, count: max(sequenceCapacity, 1))
    }

    /// Remembers that the packet with extended sequence `sequence` carries `state`.
    public mutating func recordSent(_ state: SnapshotState, sequence: UInt64) {
        sentStates.insert(state)
        sequenceTicks[slot(sequence)] = SequenceTick(sequenceMark: SequenceTick.mark(sequence), tick: state.tick)
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

    /// The baseline to encode the snapshot of `tick` against, or `nil` to send it in full: when nothing
    /// is acknowledged, the acknowledged state is too old or no longer kept.
    public func baseline(forTick tick: UInt32) -> SnapshotState? {
        guard let acknowledgedTick else { return nil }
        let age = tick &- acknowledgedTick
        guard age >= 1, age <= maxBaselineAge else { return nil }
        return sentStates.state(at: acknowledgedTick)
    }

    /// Encodes the snapshot for this client against the current baseline and records it as sent.
    ///
    /// - Parameters:
    ///   - state: the world at this tick.
    ///   - lastProcessedInput: the newest input of this client already applied.
    ///   - now: nanoseconds of the shared monotonic clock (the send time stamped in the snapshot).
    ///   - sequence: the extended sequence of the packet that will carry it: the connection's
    ///     ``RealtimeConnection/nextSequence``, read just before sealing.
    public mutating func makePayload(
        for state: SnapshotState,
        lastProcessedInput: UInt32,
        now: UInt64,
        sequence: UInt64
    ) throws(SnapshotEncodingError) -> ByteBuffer {
        var payload = ByteBuffer()
        try writePayload(for: state, lastProcessedInput: lastProcessedInput, now: now, sequence: sequence, to: &payload)
        return payload
    }

    /// Like ``makePayload(for:lastProcessedInput:now:sequence:)``, but appends the payload to `buffer`
    /// (the packet being sealed), so the snapshot is written once, in place.
    public mutating func writePayload(
        for state: SnapshotState,
        lastProcessedInput: UInt32,
        now: UInt64,
        sequence: UInt64,
        to buffer: inout ByteBuffer
    ) throws(SnapshotEncodingError) {
        let message = SnapshotMessage(state: state, sendTime: now, lastProcessedInput: lastProcessedInput)
        let base = baseline(forTick: state.tick)
        try SnapshotCodec.encode(message, baseline: base, into: &buffer)
        if base == nil { fullSnapshotsSent += 1 } else { deltaSnapshotsSent += 1 }
        recordSent(state, sequence: sequence)
    }

    private func slot(_ sequence: UInt64) -> Int {
        Int(sequence % UInt64(sequenceTicks.count))
    }
}
