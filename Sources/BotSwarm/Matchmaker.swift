/// Groups bots into rooms in the order they ask: the first of each group creates the room, the others
/// join it once the creator reports its id. Real games put a matchmaker in front of their lobby too;
/// this one lives in the swarm so that rooms fill instead of racing.
actor Matchmaker {
    enum Assignment: Sendable, Equatable {
        case create(group: Int)
        case join(roomID: UInt32)
        /// The group's creator failed: ask again.
        case retry
    }

    let roomSize: Int
    private var arrivals = 0
    private var rooms: [Int: UInt32] = [:]
    private var failed: Set<Int> = []
    private var waiting: [Int: [CheckedContinuation<Assignment, Never>]] = [:]

    init(roomSize: Int) {
        self.roomSize = max(roomSize, 1)
    }

    func assign() async -> Assignment {
        let group = self.arrivals / self.roomSize
        let first = self.arrivals % self.roomSize == 0
        self.arrivals += 1
        if first { return .create(group: group) }
        if let room = self.rooms[group] { return .join(roomID: room) }
        if self.failed.contains(group) { return .retry }
        return await withCheckedContinuation { self.waiting[group, default: []].append($0) }
    }

    func created(group: Int, roomID: UInt32) {
        self.rooms[group] = roomID
        for waiter in self.waiting.removeValue(forKey: group) ?? [] { waiter.resume(returning: .join(roomID: roomID)) }
    }

    func failed(group: Int) {
        self.failed.insert(group)
        for waiter in self.waiting.removeValue(forKey: group) ?? [] { waiter.resume(returning: .retry) }
    }
}
