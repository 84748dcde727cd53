/// Packets waiting for their delivery time: a binary min-heap keyed by due time.
///
/// Packets due at the same time come out in the order they were pushed, which matters because the
/// link model often gives consecutive packets the same time (no jitter, or FIFO waits). Shared by the
/// datagram handler and by forwarders of real IP packets; it holds any element type.
public struct DeliveryQueue<Element> {
    fileprivate struct Entry {
        let due: Duration
        let order: UInt64
        let element: Element

        func precedes(_ other: Entry) -> Bool {
            self.due != other.due ? self.due < other.due : self.order < other.order
        }
    }

    private var heap: [Entry] = []
    private var pushes: UInt64 = 0

    public init() {}

    public var count: Int { self.heap.count }
    public var isEmpty: Bool { self.heap.isEmpty }

    /// The earliest due time, or `nil` when empty: when to wake up next.
    public var nextDue: Duration? { self.heap.first?.due }

    public mutating func push(_ element: Element, due: Duration) {
        self.heap.append(Entry(due: due, order: self.pushes, element: element))
        self.pushes &+= 1
        self.siftUp(self.heap.count - 1)
    }

    /// Removes and returns the earliest element if it is due at or before `now`.
    public mutating func popFirst(dueBy now: Duration) -> Element? {
        guard let first = self.heap.first, first.due <= now else { return nil }
        let last = self.heap.removeLast()
        if !self.heap.isEmpty {
            self.heap[0] = last
            self.siftDown(0)
        }
        return first.element
    }

    /// Removes and returns every element due at or before `now`, earliest first.
    public mutating func popDue(now: Duration) -> [Element] {
        var due: [Element] = []
        while let element = self.popFirst(dueBy: now) { due.append(element) }
        return due
    }

    /// Removes and returns everything, earliest first (for shutdown).
    public mutating func removeAll() -> [Element] {
        var all: [Element] = []
        while let first = self.heap.first?.due, let element = self.popFirst(dueBy: first) { all.append(element) }
        return all
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard self.heap[child].precedes(self.heap[parent]) else { return }
            self.heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var best = parent
            if left < self.heap.count, self.heap[left].precedes(self.heap[best]) { best = left }
            if right < self.heap.count, self.heap[right].precedes(self.heap[best]) { best = right }
            if best == parent { return }
            self.heap.swapAt(parent, best)
            parent = best
        }
    }
}

extension DeliveryQueue: Sendable where Element: Sendable {}
extension DeliveryQueue.Entry: Sendable where Element: Sendable {}
