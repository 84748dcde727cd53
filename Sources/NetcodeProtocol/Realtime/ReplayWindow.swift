/// Which of the peer's extended sequences have been accepted, over the newest 256 (as netcode.io and
/// IPsec do). It decides replays and also yields the ack and ack bits we send back.
///
/// Bit `i` of the bitmap stands for sequence `highest - i`.
struct ReplayWindow: Sendable, Hashable {
    static let size: UInt64 = 256

    /// The highest sequence accepted, or `nil` before the first.
    private(set) var highest: UInt64?
    /// Four 64-bit words, stored inline (no heap array, nothing allocated per packet): word `w`, bit `b`
    /// stands for `highest - (64 * w + b)`.
    private var w0: UInt64 = 0
    private var w1: UInt64 = 0
    private var w2: UInt64 = 0
    private var w3: UInt64 = 0

    enum Verdict: Equatable {
        /// Not seen yet; `isNewest` when it moves the window forward.
        case fresh(isNewest: Bool)
        case replayed
        case tooOld
    }

    /// What accepting `sequence` would mean; changes nothing.
    func check(_ sequence: UInt64) -> Verdict {
        guard let highest else { return .fresh(isNewest: true) }
        if sequence > highest { return .fresh(isNewest: true) }
        let age = highest - sequence
        if age >= Self.size { return .tooOld }
        return contains(age: age) ? .replayed : .fresh(isNewest: false)
    }

    /// Marks `sequence` accepted. Call only after ``check(_:)`` said `.fresh` and the packet authenticated.
    mutating func accept(_ sequence: UInt64) {
        guard let current = highest else {
            highest = sequence
            (w0, w1, w2, w3) = (1, 0, 0, 0)
            return
        }
        if sequence > current {
            shiftLeft(by: sequence - current)
            highest = sequence
            setBit(age: 0)
        } else {
            setBit(age: current - sequence)
        }
    }

    /// Whether the sequence `age` below the highest was received (`age` 0 is the highest itself).
    func contains(age: UInt64) -> Bool {
        guard highest != nil, age < Self.size else { return false }
        let word = Int(age / 64)
        let bit = age % 64
        return (self.word(word) >> bit) & 1 == 1
    }

    /// The ack field and ack bits that describe this window: `ack` is the highest sequence received and
    /// bit i of the bits is sequence `ack - 1 - i`.
    var ack: (ack: UInt16, bits: UInt32) {
        guard let highest else { return (RealtimePacket.nothingReceivedAck, 0) }
        // Bits 1...32 of the bitmap are ages 1...32, which are ack bits 0...31.
        let ackBits = UInt32(truncatingIfNeeded: w0 >> 1)
        return (UInt16(truncatingIfNeeded: highest), ackBits)
    }

    // MARK: - Bitmap plumbing

    private func word(_ index: Int) -> UInt64 {
        switch index {
        case 0: return w0
        case 1: return w1
        case 2: return w2
        default: return w3
        }
    }

    private mutating func setBit(age: UInt64) {
        let bit: UInt64 = 1 << (age % 64)
        switch age / 64 {
        case 0: w0 |= bit
        case 1: w1 |= bit
        case 2: w2 |= bit
        default: w3 |= bit
        }
    }

    /// Moves every bit `shift` ages older; bits pushed past age 255 fall out.
    private mutating func shiftLeft(by shift: UInt64) {
        guard shift < Self.size else {
            (w0, w1, w2, w3) = (0, 0, 0, 0)
            return
        }
        let wordShift = Int(shift / 64)
        let bitShift = shift % 64
        let source = (w0, w1, w2, w3)
        func word(_ index: Int) -> UInt64 {
            switch index {
            case 0: return source.0
            case 1: return source.1
            case 2: return source.2
            case 3: return source.3
            default: return 0
            }
        }
        func shifted(_ index: Int) -> UInt64 {
            let from = index - wordShift
            guard from >= 0 else { return 0 }
            var value = word(from) << bitShift
            if bitShift > 0, from > 0 { value |= word(from - 1) >> (64 - bitShift) }
            return value
        }
        (w0, w1, w2, w3) = (shifted(0), shifted(1), shifted(2), shifted(3))
    }
}
