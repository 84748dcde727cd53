/// What we remember about each packet we sent, for the newest 256: when it left (for RTT) and whether
/// the peer has acked it.
///
/// 256 packets is eight seconds of snapshots at 30 Hz, far more than an ack can lag behind (the ack bits
/// reach 33 packets back), even on a TCP connection stalled by retransmissions. A packet that leaves the
/// log unacked is settled as lost.
///
/// Packets are recorded in sequence order, so the log keeps only the send time of each, 8 bytes (2 KiB
/// per connection; 6 KiB when each entry also carried its sequence and size): which sequence a slot
/// holds follows from the newest one recorded. The top bit of a slot marks it acked; an all-ones slot
/// holds nothing (a sequence skipped, or none yet).
struct SentPacketLog: Sendable {
    struct Entry: Sendable, Hashable {
        /// When the packet left, in the caller's nanoseconds.
        var sentAt: UInt64
        var acked: Bool
    }

    static let capacity = 256
    private static let ackedBit: UInt64 = 1 << 63
    private static let none: UInt64 = .max

    var slots: [UInt64] = Array(repeating: SentPacketLog.none, count: SentPacketLog.capacity)
    /// One past the newest sequence recorded.
    private var end: UInt64 = 0

    /// Remembers packet `sequence`, sent at `sentAt` (nanoseconds below 2^63). Sequences are recorded in
    /// increasing order; any skipped ones are remembered as never sent.
    mutating func record(sequence: UInt64, sentAt: UInt64) {
        precondition(sequence >= end, "packets are recorded in sequence order")
        var skipped = end
        while skipped < sequence, sequence - skipped < UInt64(Self.capacity) {
            slots[Self.slot(skipped)] = Self.none
            skipped += 1
        }
        slots[Self.slot(sequence)] = sentAt & ~Self.ackedBit
        end = sequence + 1
    }

    func entry(_ sequence: UInt64) -> Entry? {
        guard let index = index(of: sequence) else { return nil }
        let value = slots[index]
        return Entry(sentAt: value & ~Self.ackedBit, acked: value & Self.ackedBit != 0)
    }

    /// Marks `sequence` acked.
    /// - Returns: its entry as it was if this is the first ack for it, `nil` if it was already acked or
    ///   is no longer (or never was) in the log.
    mutating func markAcked(_ sequence: UInt64) -> Entry? {
        guard let index = index(of: sequence) else { return nil }
        let value = slots[index]
        guard value & Self.ackedBit == 0 else { return nil }
        slots[index] = value | Self.ackedBit
        return Entry(sentAt: value, acked: false)
    }

    /// The slot of `sequence` if the log still holds it.
    private func index(of sequence: UInt64) -> Int? {
        guard sequence < end, end - sequence <= UInt64(Self.capacity) else { return nil }
        let index = Self.slot(sequence)
        return slots[index] == Self.none ? nil : index
    }

    static func slot(_ sequence: UInt64) -> Int {
        Int(truncatingIfNeeded: sequence) & (capacity - 1)
    }
}
