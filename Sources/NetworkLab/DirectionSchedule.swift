import LinkEmulator

/// One direction of the link: the seeded model decides each packet's fate and the heap holds the
/// packet (a buffer number) until its delivery time. Pure: time is whatever the caller says it is.
/// Holds its heap by reference: do not copy a schedule and use both copies.
struct DirectionSchedule {
    /// What became of an offered packet.
    enum Outcome: Equatable {
        case dropped(LinkModel.DropReason)
        /// Held for delivery once, or twice when the model duplicated it.
        case scheduled(copies: Int)
    }

    private(set) var model: LinkModel
    private let queue: PacketHeap

    /// - Parameter capacity: packets that may wait at once, copies included (twice the buffers).
    init(profile: ImpairmentProfile, seed: UInt64, capacity: Int = 1024) {
        self.model = LinkModel(profile: profile, seed: seed)
        self.queue = PacketHeap(capacity: capacity)
    }

    /// Packets waiting, copies included.
    var count: Int {
        self.queue.count
    }

    /// When the next packet is due, or `nil` when none waits.
    var nextDue: Duration? {
        self.queue.nextDue
    }

    /// Asks the model about a packet of `size` bytes read at `now` and holds it if it is delivered.
    mutating func offer(_ packet: Int32, size: Int, at now: Duration) -> Outcome {
        let decision = self.model.submit(size: size, at: now)
        guard let due = decision.due else {
            return .dropped(decision.dropReason ?? .randomLoss)
        }
        // The heap has room for two entries per buffer, so these pushes cannot fail.
        _ = self.queue.push(packet, due: due)
        guard let copyDue = decision.duplicateDue else { return .scheduled(copies: 1) }
        _ = self.queue.push(packet, due: copyDue)
        return .scheduled(copies: 2)
    }

    /// The next packet due at or before `now`, earliest first (ties in the order they were offered).
    func popDue(now: Duration) -> Int32? {
        self.queue.popFirst(dueBy: now)?.packet
    }

    /// The same, with the time the packet was due, to measure how late it goes out.
    func popDueWithTime(now: Duration) -> (packet: Int32, due: Duration)? {
        self.queue.popFirst(dueBy: now)
    }

    /// Everything still held, for shutdown.
    func removeAll() -> [Int32] {
        self.queue.removeAll()
    }
}
