import NIOCore

/// A one-way lossy, reordering, delaying link for driving two connections in tests, seeded.
struct RealtimeTestLink {
    struct Flight {
        var deliverAt: UInt64
        var order: Int
        var sequence: UInt64
        var packet: ByteBuffer
    }

    var random: RealtimeFixtures.Random
    var loss: Double = 0
    var delay: UInt64 = 0
    var jitter: UInt64 = 0
    /// Probability that a packet is held back by `reorderDelay` on top of its delay.
    var reorder: Double = 0
    var reorderDelay: UInt64 = 0

    private(set) var dropped: [UInt64] = []
    private var inFlight: [Flight] = []
    private var order = 0

    init(seed: UInt64) {
        random = RealtimeFixtures.Random(seed: seed)
    }

    /// Sends `packet` (whose extended sequence the test knows) at `now`; returns false if it was lost.
    @discardableResult
    mutating func send(_ packet: ByteBuffer, sequence: UInt64, now: UInt64) -> Bool {
        if random.chance(loss) {
            dropped.append(sequence)
            return false
        }
        var at = now + delay
        if jitter > 0 { at += UInt64.random(in: 0...jitter, using: &random) }
        if random.chance(reorder) { at += reorderDelay }
        order += 1
        inFlight.append(Flight(deliverAt: at, order: order, sequence: sequence, packet: packet))
        return true
    }

    /// The packets due by `now`, in arrival order.
    mutating func deliver(upTo now: UInt64) -> [Flight] {
        let due = inFlight.filter { $0.deliverAt <= now }.sorted { ($0.deliverAt, $0.order) < ($1.deliverAt, $1.order) }
        inFlight.removeAll { $0.deliverAt <= now }
        return due
    }
}
