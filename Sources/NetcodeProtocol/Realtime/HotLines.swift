/// Where in memory the next packet a connection sends or receives will read and write, for a caller that
/// handles thousands of sessions and wants those cache lines loading before it gets to them (a swarm's
/// loop prefetches them a few sessions ahead). Only addresses: nothing is read or retained, and a wrong
/// guess costs a wasted prefetch, never a fault or a changed result.
///
/// The methods are `mutating` (they change nothing) for the reason ``RealtimeConnection/startPacket(type:in:)``
/// is: called on a property of a class, a non-mutating method took a copy of the whole value, retaining
/// its arrays, which reads the very lines it was meant to leave alone.
extension Array {
    /// From a native array's first element back to its header's reference count, which every mutation's
    /// uniqueness check reads (the header is 32 bytes on 64-bit platforms; the count is its second word).
    private static var headerOffset: Int { 24 }

    /// The address of element `index` (modulo the count the caller knows, unchecked) and of the array's
    /// header just before the elements; nothing for an empty or non-native array. Reads neither.
    func hotLines(element index: Int, _ body: (UnsafeRawPointer) -> Void) {
        guard let base = self._baseAddressIfContiguous else { return }
        let elements = UnsafeRawPointer(base)
        body(elements - Self.headerOffset)
        body(elements + index * MemoryLayout<Element>.stride)
    }

    /// Where the elements lie, as a number (0 for an empty or non-native array), for ``listLines(at:_:)``.
    var storageAddress: UInt {
        self._baseAddressIfContiguous.map { UInt(bitPattern: $0) } ?? 0
    }

    /// The header and the first two lines of elements of an array whose ``storageAddress`` was `address`.
    static func listLines(at address: UInt, _ body: (UnsafeRawPointer) -> Void) {
        guard let elements = UnsafeRawPointer(bitPattern: address) else { return }
        body(elements - Self.headerOffset)
        body(elements + 64)
    }
}

extension RealtimeConnection {
    /// The lines the next ``finishPacket(_:now:)`` (sending) or ``open(_:now:)`` of a peer's packet that
    /// acks our newest (receiving) will touch beyond the connection itself: the sent-packet log's header
    /// and slot.
    public mutating func hotLines(sending: Bool, _ body: (UnsafeRawPointer) -> Void) {
        self.sent.hotLines(sequence: sending ? self.nextSequence : (self.nextSequence > 0 ? self.nextSequence - 1 : 0), body)
    }
}

extension SentPacketLog {
    mutating func hotLines(sequence: UInt64, _ body: (UnsafeRawPointer) -> Void) {
        self.slots.hotLines(element: Self.slot(sequence), body)
    }
}

extension SnapshotBaselineTracker {
    /// The lines the next ``writePayload(for:history:lastProcessedInput:now:sequence:to:)`` for packet
    /// `sequence` touches in the sequence-to-tick log: its header and the packet's slot.
    public mutating func hotLines(sequence: UInt64, _ body: (UnsafeRawPointer) -> Void) {
        self.sequenceTicks.hotLines(element: self.slot(sequence), body)
    }
}

extension InputHistory {
    /// The lines the next ``append(_:now:)`` and a lookup of the newest inputs (``recordedAt(_:)``) touch.
    public mutating func hotLines(_ body: (UnsafeRawPointer) -> Void) {
        self.entries.hotLines(element: self.slot(self.newestSequence &+ 1), body)
    }
}

extension SnapshotReceiver {
    /// The lines the next snapshot's decoding touches in the kept states: the slot it will fill and, near
    /// it, the slots of its likely baselines.
    public mutating func hotLines(_ body: (UnsafeRawPointer) -> Void) {
        self.history.hotLines(tick: (self.newestTick ?? 0) &+ 1, body)
    }

    /// One level further than ``hotLines(_:)``, once the slots it names have arrived: the lists of the
    /// state the next snapshot will evict (released then) and of the newest two (its likely baselines,
    /// read then).
    public mutating func listHotLines(_ body: (UnsafeRawPointer) -> Void) {
        guard let newest = self.newestTick else { return }
        self.history.listHotLines(tick: newest &+ 1, body)
        self.history.listHotLines(tick: newest, body)
        self.history.listHotLines(tick: newest &- 1, body)
    }
}

extension SnapshotRing {
    mutating func hotLines(tick: UInt32, _ body: (UnsafeRawPointer) -> Void) {
        self.slots.hotLines(element: self.slot(tick), body)
    }

    mutating func listHotLines(tick: UInt32, _ body: (UnsafeRawPointer) -> Void) {
        let index = self.slot(tick)
        [PlayerSnapshot].listLines(at: self.slots[index].players, body)
        [CoinSnapshot].listLines(at: self.slots[index].coins, body)
    }
}
