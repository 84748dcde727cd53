/// Packets waiting for their delivery time: a binary min-heap on (due time, arrival order).
///
/// The same ordering as ``LinkEmulator/DeliveryQueue``, specialized to buffer numbers and stored in
/// one fixed allocation: the generic queue, called across the module boundary, costs runtime metadata
/// lookups on every comparison, which the forwarding loop cannot afford at 100 k packets a second.
/// Not thread-safe; owned by one direction of the forwarding loop.
final class PacketHeap {
    struct Entry {
        let due: Duration
        let order: UInt64
        let packet: Int32

        @inline(__always)
        func precedes(_ other: Entry) -> Bool {
            self.due != other.due ? self.due < other.due : self.order < other.order
        }
    }

    let capacity: Int
    private let entries: UnsafeMutablePointer<Entry>
    private(set) var count = 0
    private var pushes: UInt64 = 0

    // Entry is a trivial type, so slots are assigned without initialize/deinitialize bookkeeping.
    init(capacity: Int) {
        precondition(capacity > 0, "a heap needs room for at least one packet")
        self.capacity = capacity
        self.entries = .allocate(capacity: capacity)
    }

    deinit {
        self.entries.deallocate()
    }

    var isEmpty: Bool {
        self.count == 0
    }

    var nextDue: Duration? {
        self.count > 0 ? self.entries[0].due : nil
    }

    /// Adds a packet; false when full (the caller drops it).
    func push(_ packet: Int32, due: Duration) -> Bool {
        guard self.count < self.capacity else { return false }
        var child = self.count
        let entry = Entry(due: due, order: self.pushes, packet: packet)
        self.pushes &+= 1
        self.count += 1
        // Sift up by moving parents down into the hole, then drop the entry in.
        while child > 0 {
            let parent = (child - 1) / 2
            guard entry.precedes(self.entries[parent]) else { break }
            self.entries[child] = self.entries[parent]
            child = parent
        }
        self.entries[child] = entry
        return true
    }

    /// Removes and returns the earliest packet and its due time if it is due at or before `now`.
    func popFirst(dueBy now: Duration) -> (packet: Int32, due: Duration)? {
        guard self.count > 0, self.entries[0].due <= now else { return nil }
        let first = (self.entries[0].packet, self.entries[0].due)
        self.count -= 1
        let last = self.entries[self.count]
        guard self.count > 0 else { return first }
        // Sift the former last entry down from the root.
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < self.count else { break }
            let right = left + 1
            let child = right < self.count && self.entries[right].precedes(self.entries[left]) ? right : left
            guard self.entries[child].precedes(last) else { break }
            self.entries[parent] = self.entries[child]
            parent = child
        }
        self.entries[parent] = last
        return first
    }

    /// Removes everything, earliest first.
    func removeAll() -> [Int32] {
        var all: [Int32] = []
        while let due = self.nextDue, let first = self.popFirst(dueBy: due) { all.append(first.packet) }
        return all
    }
}
