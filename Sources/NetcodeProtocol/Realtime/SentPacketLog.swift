/// What we remember about each packet we sent, for the newest 256: when it left (for RTT), its size,
/// and whether the peer has acked it.
///
/// 256 packets is eight seconds of snapshots at 30 Hz, far more than an ack can lag behind (the ack bits
/// reach 33 packets back); a packet that leaves the log unacked is settled as lost. Entries are stored
/// flat, 24 bytes each (6 KiB per connection), with an impossible sequence marking an empty slot.
struct SentPacketLog: Sendable {
    struct Entry: Sendable, Hashable {
        var sequence: UInt64
        var sentAt: UInt64
        var size: UInt16
        var acked: Bool

        static let empty = Entry(sequence: .max, sentAt: 0, size: 0, acked: false)
    }

    static let capacity = 256

    private var entries: [Entry] = Array(repeating: .empty, count: SentPacketLog.capacity)

    mutating func record(sequence: UInt64, sentAt: UInt64, size: Int) {
        entries[slot(sequence)] = Entry(sequence: sequence, sentAt: sentAt, size: UInt16(clamping: size), acked: false)
    }

    func entry(_ sequence: UInt64) -> Entry? {
        let entry = entries[slot(sequence)]
        guard entry.sequence == sequence else { return nil }
        return entry
    }

    /// Marks `sequence` acked.
    /// - Returns: its entry as it was if this is the first ack for it, `nil` if it was already acked or
    ///   is no longer (or never was) in the log.
    mutating func markAcked(_ sequence: UInt64) -> Entry? {
        let index = slot(sequence)
        let entry = entries[index]
        guard entry.sequence == sequence, !entry.acked else { return nil }
        entries[index].acked = true
        return entry
    }

    private func slot(_ sequence: UInt64) -> Int {
        Int(sequence % UInt64(Self.capacity))
    }
}
