/// Fixed 2 KiB buffers for packets in flight, allocated once so forwarding does not allocate per packet.
///
/// A duplicated packet shares its buffer: each buffer counts the deliveries still to come and returns
/// to the pool after the last one. Not thread-safe: it belongs to the forwarding thread.
final class PacketPool {
    /// Larger than any packet a TUN device with an MTU of at most 1500 hands out.
    static let bufferSize = 2048

    let capacity: Int
    private let storage: UnsafeMutableRawPointer
    private let lengths: UnsafeMutablePointer<Int32>
    private let references: UnsafeMutablePointer<UInt8>
    private let freeList: UnsafeMutablePointer<Int32>
    private var freeCount: Int

    init(capacity: Int) {
        precondition(capacity > 0 && capacity <= Int(Int32.max), "pool capacity out of range")
        self.capacity = capacity
        self.storage = .allocate(byteCount: capacity * Self.bufferSize, alignment: 64)
        self.lengths = .allocate(capacity: capacity)
        self.lengths.initialize(repeating: 0, count: capacity)
        self.references = .allocate(capacity: capacity)
        self.references.initialize(repeating: 0, count: capacity)
        self.freeList = .allocate(capacity: capacity)
        // Hand out low numbers first so a lightly used pool touches few pages.
        for index in 0..<capacity {
            self.freeList[index] = Int32(capacity - 1 - index)
        }
        self.freeCount = capacity
    }

    deinit {
        self.storage.deallocate()
        self.lengths.deallocate()
        self.references.deallocate()
        self.freeList.deallocate()
    }

    /// Buffers available.
    var available: Int {
        self.freeCount
    }

    /// A free buffer (one reference), or `nil` when all are in flight.
    func take() -> Int32? {
        guard self.freeCount > 0 else { return nil }
        self.freeCount -= 1
        let buffer = self.freeList[self.freeCount]
        self.references[Int(buffer)] = 1
        return buffer
    }

    /// One more delivery of the same buffer.
    func retain(_ buffer: Int32) {
        self.references[Int(buffer)] += 1
    }

    /// One delivery done (or the packet dropped); the buffer is free again after the last.
    func release(_ buffer: Int32) {
        let index = Int(buffer)
        precondition(self.references[index] > 0, "buffer \(buffer) released more often than taken")
        self.references[index] -= 1
        if self.references[index] == 0 {
            self.freeList[self.freeCount] = buffer
            self.freeCount += 1
        }
    }

    func bytes(_ buffer: Int32) -> UnsafeMutableRawPointer {
        self.storage + Int(buffer) * Self.bufferSize
    }

    func length(_ buffer: Int32) -> Int {
        Int(self.lengths[Int(buffer)])
    }

    func setLength(_ buffer: Int32, _ length: Int) {
        self.lengths[Int(buffer)] = Int32(length)
    }
}
