/// Our extended sequences that one packet from the peer acknowledged for the first time, ascending.
///
/// A packet's ack and ack bits reach 32 packets behind its `ack`, so the set always fits in one 64-bit
/// mask below a newest sequence: nothing is allocated per packet, unlike an array.
public struct AckedSequences: Sendable, Hashable, Sequence, ExpressibleByArrayLiteral, CustomStringConvertible {
    /// The newest sequence the mask is relative to.
    private var newest: UInt64 = 0
    /// Bit `i` set: `newest - i` is in the set.
    private var mask: UInt64 = 0

    public init() {}

    /// - Precondition: every element is within 63 of the largest.
    public init(arrayLiteral elements: UInt64...) {
        for element in elements { self.insert(element) }
    }

    public var isEmpty: Bool { self.mask == 0 }
    public var count: Int { self.mask.nonzeroBitCount }

    /// Adds `sequence`. - Precondition: within 63 of every other element.
    public mutating func insert(_ sequence: UInt64) {
        if self.mask == 0 {
            self.newest = sequence
            self.mask = 1
        } else if sequence > self.newest {
            let shift = sequence - self.newest
            precondition(shift < 64, "acked sequences span more than 64 packets")
            self.mask <<= shift
            self.mask |= 1
            self.newest = sequence
        } else {
            let age = self.newest - sequence
            precondition(age < 64, "acked sequences span more than 64 packets")
            self.mask |= 1 << age
        }
    }

    public struct Iterator: IteratorProtocol {
        let newest: UInt64
        var remaining: UInt64

        /// Oldest first: the highest set bit is the oldest sequence.
        public mutating func next() -> UInt64? {
            guard self.remaining != 0 else { return nil }
            let age = 63 - self.remaining.leadingZeroBitCount
            self.remaining &= ~(1 << UInt64(age))
            return self.newest - UInt64(age)
        }
    }

    public func makeIterator() -> Iterator { Iterator(newest: self.newest, remaining: self.mask) }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.elementsEqual(rhs) }

    public func hash(into hasher: inout Hasher) {
        for element in self { hasher.combine(element) }
    }

    public var description: String { Array(self).description }
}
