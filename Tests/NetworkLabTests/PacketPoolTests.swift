import Testing

@testable import NetworkLab

@Suite("Packet buffer pool")
struct PacketPoolTests {
    @Test("buffers run out and come back")
    func exhaustion() {
        let pool = PacketPool(capacity: 3)
        let taken = (0..<3).compactMap { _ in pool.take() }
        #expect(Set(taken).count == 3)
        #expect(pool.take() == nil)
        pool.release(taken[1])
        #expect(pool.available == 1)
        #expect(pool.take() == taken[1])
    }

    @Test("a duplicated packet's buffer returns only after both deliveries")
    func sharedBuffer() {
        let pool = PacketPool(capacity: 1)
        let buffer = pool.take()!
        pool.retain(buffer)
        pool.release(buffer)
        #expect(pool.available == 0)
        pool.release(buffer)
        #expect(pool.available == 1)
    }

    @Test("buffers do not overlap and keep their lengths")
    func layout() {
        let pool = PacketPool(capacity: 4)
        let first = pool.take()!
        let second = pool.take()!
        #expect(abs(pool.bytes(first) - pool.bytes(second)) >= PacketPool.bufferSize)
        pool.bytes(first).storeBytes(of: 0xAB, as: UInt8.self)
        pool.bytes(second).storeBytes(of: 0xCD, as: UInt8.self)
        #expect(pool.bytes(first).load(as: UInt8.self) == 0xAB)
        pool.setLength(second, 1500)
        #expect(pool.length(second) == 1500)
    }
}
