/// The most recent snapshot states, by tick, in a fixed number of slots (tick modulo capacity). A newer
/// tick takes over a slot; an older one never evicts a newer one.
public struct SnapshotRing: Sendable {
    public let capacity: Int
    var slots: [SnapshotState?]

    /// - Parameter capacity: slots, at least 1.
    public init(capacity: Int) {
        self.capacity = max(capacity, 1)
        self.slots = Array(repeating: nil, count: self.capacity)
    }

    public mutating func insert(_ state: SnapshotState) {
        let index = slot(state.tick)
        if let existing = slots[index], existing.tick > state.tick { return }
        slots[index] = state
    }

    /// The state for `tick`, if still kept.
    public func state(at tick: UInt32) -> SnapshotState? {
        guard let state = slots[slot(tick)], state.tick == tick else { return nil }
        return state
    }

    func slot(_ tick: UInt32) -> Int {
        Int(tick % UInt32(capacity))
    }
}
