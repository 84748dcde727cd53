/// The most recent snapshot states, by tick, in a fixed number of slots (tick modulo capacity). A newer
/// tick takes over a slot; an older one never evicts a newer one.
public struct SnapshotRing: Sendable {
    public let capacity: Int
    var slots: [Slot]

    /// A kept state, and where its lists lie in memory (their addresses as numbers; 0 for none): what
    /// ``SnapshotReceiver/listHotLines(_:)`` prefetches without reading the state, which a retain would.
    struct Slot: Sendable {
        var state: SnapshotState?
        var players: UInt = 0
        var coins: UInt = 0
    }

    /// - Parameter capacity: slots, at least 1.
    public init(capacity: Int) {
        self.capacity = max(capacity, 1)
        self.slots = Array(repeating: Slot(state: nil), count: self.capacity)
    }

    public mutating func insert(_ state: SnapshotState) {
        let index = slot(state.tick)
        if let existing = slots[index].state, existing.tick > state.tick { return }
        slots[index] = Slot(state: state, players: state.players.storageAddress, coins: state.coins.storageAddress)
    }

    /// The state for `tick`, if still kept.
    public func state(at tick: UInt32) -> SnapshotState? {
        guard let state = slots[slot(tick)].state, state.tick == tick else { return nil }
        return state
    }

    func slot(_ tick: UInt32) -> Int {
        Int(tick % UInt32(capacity))
    }
}
