/// What we remember about each packet we sent, for the newest 1024: when it left (for RTT), its size,
/// and whether the peer has acked it.
struct SentPacketLog: Sendable {
    struct Entry: Sendable, Hashable {
        var sequence: UInt64
        var sentAt: UInt64
        var size: Int
        var acked: Bool
    }

    static let capacity = 1024

    private var entries: [Entry?] = Array(repeating: nil, count: SentPacketLog.capacity)

    mutating func record(sequence: UInt64, sentAt: UInt64, size: Int) {
        entries[slot(sequence)] = Entry(sequence: sequence, sentAt: sentAt, size: size, acked: false)
    }

    func entry(_ sequence: UInt64) -> Entry? {
        guard let entry = entries[slot(sequence)], entry.sequence == sequence else { return nil }
        return entry
    }

    /// Marks `sequence` acked.
    /// - Returns: its entry as it was if this is the first ack for it, `nil` if it was already acked or
    ///   is no longer (or never was) in the log.
    mutating func markAcked(_ sequence: UInt64) -> Entry? {
        let index = slot(sequence)
        guard let entry = entries[index], entry.sequence == sequence, !entry.acked else { return nil }
        entries[index]?.acked = true
        return entry
    }

    private func slot(_ sequence: UInt64) -> Int {
        Int(sequence % UInt64(Self.capacity))
    }
}
