import DatagramBatch
import Glibc
import NIOCore
import Testing

/// The realtime loops' send path: every datagram of a batch arrives intact, in chunks past the 64 one
/// call takes, and a datagram the kernel refuses is reported by its tag while the rest still leave.
@Suite("Datagram batches over real loopback sockets")
struct DatagramBatchTests {
    @Test("150 datagrams of different sizes arrive intact, and the batch is reusable", arguments: [false, true])
    func datagramsArriveIntact(segmenting: Bool) throws {
        let (receiver, sender) = try Self.loopbackPair()
        defer { receiver.close(); Glibc.close(sender) }
        let batch = DatagramBatch(expectedDatagrams: 16)
        for round in 0..<2 {
            var expected: [[UInt8]] = []
            for index in 0..<150 {
                let bytes = (0..<(1 + (index * 7) % 300)).map { UInt8(truncatingIfNeeded: $0 &+ index &+ round) }
                let start = batch.beginDatagram()
                batch.buffer.writeBytes(bytes)
                batch.endDatagram(startingAt: start, to: receiver.address, tag: UInt32(index))
                expected.append(bytes)
            }
            #expect(batch.count == 150)
            var failures: [UInt32] = []
            let sent = batch.send(on: sender, segmenting: segmenting) { tag, _, _ in failures.append(tag) }
            #expect(sent == 150)
            #expect(failures.isEmpty)
            #expect(batch.isEmpty, "a sent batch is empty again")
            #expect(try receiver.receive(count: 150) == expected)
        }
    }

    @Test("a datagram the kernel refuses is reported by its tag; the others still leave", arguments: [false, true])
    func refusedDatagramIsReported(segmenting: Bool) throws {
        let (receiver, sender) = try Self.loopbackPair()
        defer { receiver.close(); Glibc.close(sender) }
        let batch = DatagramBatch()
        // An IPv6 destination on an IPv4 socket: the kernel refuses that one datagram.
        let elsewhere = try SocketAddress(ipAddress: "::1", port: receiver.address.port ?? 1)
        for index in 0..<5 {
            let start = batch.beginDatagram()
            batch.buffer.writeBytes([UInt8(index), 1, 2, 3])
            batch.endDatagram(startingAt: start, to: index == 2 ? elsewhere : receiver.address, tag: UInt32(100 + index))
        }
        var failures: [(tag: UInt32, bytes: Int, errno: CInt)] = []
        let sent = batch.send(on: sender, segmenting: segmenting) { failures.append(($0, $1, $2)) }
        #expect(sent == 4)
        #expect(failures.map(\.tag) == [102])
        #expect(failures.first?.bytes == 4)
        #expect(failures.first.map { $0.errno != 0 } == true)
        #expect(try receiver.receive(count: 4).map(\.first) == [0, 1, 3, 4])
    }

    @Test("runs of same-size datagrams to one address, segmented by the kernel, arrive one by one and intact")
    func segmentedRunsArriveAsDatagrams() throws {
        let (receiver, sender) = try Self.loopbackPair()
        defer { receiver.close(); Glibc.close(sender) }
        let batch = DatagramBatch()
        // 200 datagrams: runs of 40 bytes past the 64 one message may carry, a size change, and a last one shorter.
        var expected: [[UInt8]] = []
        for index in 0..<200 {
            let size = index < 130 ? 40 : (index < 199 ? 57 : 12)
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 * 31 &+ index) }
            let start = batch.beginDatagram()
            batch.buffer.writeBytes(bytes)
            batch.endDatagram(startingAt: start, to: receiver.address, tag: UInt32(index))
            expected.append(bytes)
        }
        var failures = 0
        #expect(batch.send(on: sender, segmenting: true) { _, _, _ in failures += 1 } == 200)
        #expect(failures == 0)
        #expect(try receiver.receive(count: 200) == expected, "each datagram on its own, in order, with its own size")
    }

    @Test("a receiver drains every datagram waiting, in order, with its source; a larger one is cut to the slot")
    func receiverDrainsTheSocket() throws {
        let (receiver, sender) = try Self.loopbackPair()
        defer { receiver.close(); Glibc.close(sender) }
        let reader = DatagramReceiver(datagramsPerCall: 16, slotSize: 512)
        #expect(reader.drain(receiver.descriptor) { _, _ in Issue.record("nothing waits yet") } == 0)

        let batch = DatagramBatch()
        var expected: [[UInt8]] = []
        for index in 0..<100 {
            let bytes = (0..<(index == 99 ? 700 : 1 + index * 3)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ index) }
            let start = batch.beginDatagram()
            batch.buffer.writeBytes(bytes)
            batch.endDatagram(startingAt: start, to: receiver.address, tag: UInt32(index))
            expected.append(bytes)
        }
        #expect(batch.send(on: sender) { _, _, _ in } == 100)
        let senderPort = try Self.port(of: sender)
        var received: [[UInt8]] = []
        var kept: [ByteBuffer] = []
        while received.count < 100 {
            var poller = pollfd(fd: receiver.descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 30_000) == 1 else { break }
            reader.drain(receiver.descriptor) { datagram, source in
                #expect(source.port == senderPort)
                #expect(source.ipAddress == "127.0.0.1")
                received.append(Array(datagram.readableBytesView))
                kept.append(datagram)
            }
        }
        #expect(Array(received.prefix(99)) == Array(expected.prefix(99)))
        #expect(received.last == Array(expected[99].prefix(512)), "a datagram larger than the slot arrives cut to it")
        #expect(kept.count == 100, "slices kept past a drain stay valid: \(kept.count)")
        #expect(kept.first.map { Array($0.readableBytesView) } == expected[0])
    }

    @Test("a socket that asks for arrival stamps gets each datagram's, on the monotonic clock; one that does not gets none")
    func arrivalStamps() throws {
        let (receiver, sender) = try Self.loopbackPair()
        defer { receiver.close(); Glibc.close(sender) }
        let reader = DatagramReceiver(datagramsPerCall: 8, slotSize: 256)
        func sendAndDrain(_ count: Int) -> (before: UInt64, arrivals: [UInt64], drained: UInt64) {
            let batch = DatagramBatch()
            for index in 0..<count {
                let start = batch.beginDatagram()
                batch.buffer.writeBytes([UInt8](repeating: UInt8(index), count: 40))
                batch.endDatagram(startingAt: start, to: receiver.address, tag: UInt32(index))
            }
            let before = UInt64(NIODeadline.now().uptimeNanoseconds)
            #expect(batch.send(on: sender) { _, _, _ in } == count)
            var arrivals: [UInt64] = []
            while arrivals.count < count {
                var poller = pollfd(fd: receiver.descriptor, events: Int16(POLLIN), revents: 0)
                guard poll(&poller, 1, 30_000) == 1 else { break }
                reader.drain(receiver.descriptor) { _, _ in arrivals.append(reader.arrival) }
            }
            return (before, arrivals, UInt64(NIODeadline.now().uptimeNanoseconds))
        }
        let unstamped = sendAndDrain(5)
        #expect(unstamped.arrivals == [0, 0, 0, 0, 0], "no stamp asked for, none given")

        #expect(DatagramReceiver.stampArrivals(on: receiver.descriptor))
        let stamped = sendAndDrain(20)
        #expect(stamped.arrivals.count == 20)
        for arrival in stamped.arrivals {
            // Stamped by the kernel between the send and the read, on the clock NIODeadline reads.
            #expect(arrival >= stamped.before && arrival <= stamped.drained, "\(arrival) not in \(stamped.before)...\(stamped.drained)")
        }
        #expect(stamped.arrivals == stamped.arrivals.sorted(), "in the order they arrived")
    }

    @Test("the look-ahead sees every datagram of a read before the handler gets the first of them")
    func receiverLooksAheadOverEachRead() throws {
        let (receiver, sender) = try Self.loopbackPair()
        defer { receiver.close(); Glibc.close(sender) }
        let reader = DatagramReceiver(datagramsPerCall: 8, slotSize: 256)
        let batch = DatagramBatch()
        var expected: [[UInt8]] = []
        for index in 0..<20 {
            let bytes = (0..<(10 + index)).map { UInt8(truncatingIfNeeded: $0 &+ index &* 31) }
            let start = batch.beginDatagram()
            batch.buffer.writeBytes(bytes)
            batch.endDatagram(startingAt: start, to: receiver.address, tag: UInt32(index))
            expected.append(bytes)
        }
        #expect(batch.send(on: sender) { _, _, _ in } == 20)
        // Events in order: ("ahead", bytes) for each datagram the look-ahead saw, ("body", bytes) for each
        // handed over.
        var events: [(String, [UInt8])] = []
        while events.filter({ $0.0 == "body" }).count < 20 {
            var poller = pollfd(fd: receiver.descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 30_000) == 1 else { break }
            reader.drain(receiver.descriptor, lookAhead: { events.append(("ahead", Array($0))) }) { datagram, _ in
                events.append(("body", Array(datagram.readableBytesView)))
            }
        }
        #expect(events.filter { $0.0 == "ahead" }.map(\.1) == expected)
        #expect(events.filter { $0.0 == "body" }.map(\.1) == expected)
        // Each read of at most 8: its look-aheads, then its bodies in the same order.
        var position = 0
        var reads: [Int] = []
        while position < events.count {
            let aheads = events[position...].prefix { $0.0 == "ahead" }
            let bodies = events[(position + aheads.count)...].prefix { $0.0 == "body" }
            #expect((1...8).contains(aheads.count), "a read looks ahead over what it read (\(aheads.count))")
            #expect(aheads.map(\.1) == bodies.map(\.1), "then hands over the same datagrams")
            reads.append(aheads.count)
            position += aheads.count + bodies.count
        }
        // All 20 were queued by the one loopback send before the first drain: reads of several datagrams,
        // whose look-aheads all come first (one look-ahead per datagram, interleaved, would give all ones).
        #expect(reads.contains { $0 > 1 }, "reads of \(reads)")
    }

    @Test("a connected socket sends to its peer without an address, and drains only its peer's datagrams, by index")
    func connectedSocketTalksToItsPeerOnly() throws {
        let peer = try LoopbackReceiver()
        let stranger = try DatagramBatch.openSocket(boundTo: SocketAddress(ipAddress: "127.0.0.1", port: 0))
        let connected = try DatagramBatch.openSocket(boundTo: SocketAddress(ipAddress: "127.0.0.1", port: 0))
        defer { peer.close(); Glibc.close(stranger); Glibc.close(connected) }
        #expect(DatagramBatch.connect(connected, to: peer.address) == 0)
        let ownAddress = try SocketAddress(ipAddress: "127.0.0.1", port: Self.port(of: connected))

        // Out, with no address: each datagram reaches the peer, segmented runs included.
        let batch = DatagramBatch()
        var expected: [[UInt8]] = []
        for index in 0..<40 {
            let bytes = [UInt8](repeating: UInt8(index), count: index < 30 ? 48 : 10 + index)
            let start = batch.beginDatagram()
            batch.buffer.writeBytes(bytes)
            batch.endDatagram(startingAt: start, tag: UInt32(index))
            expected.append(bytes)
        }
        #expect(batch.send(on: connected, segmenting: true) { tag, _, code in Issue.record("datagram \(tag) refused: \(code)") } == 40)
        #expect(try peer.receive(count: 40) == expected)

        // In: a stranger's datagrams, sent first, never reach it; the peer's do, each handed over with
        // the index its look-ahead saw.
        let toConnected = DatagramBatch()
        for index in 0..<5 {
            let start = toConnected.beginDatagram()
            toConnected.buffer.writeBytes([0xEE, UInt8(index)])
            toConnected.endDatagram(startingAt: start, to: ownAddress, tag: 0)
        }
        #expect(toConnected.send(on: stranger) { _, _, _ in } == 5)
        var replies: [[UInt8]] = []
        for index in 0..<12 {
            let start = toConnected.beginDatagram()
            toConnected.buffer.writeBytes([0xAA, UInt8(index)])
            toConnected.endDatagram(startingAt: start, to: ownAddress, tag: 0)
            replies.append([0xAA, UInt8(index)])
        }
        #expect(toConnected.send(on: peer.descriptor) { _, _, _ in } == 12)
        let reader = DatagramReceiver(datagramsPerCall: 8, slotSize: 256)
        var seen: [Int: [UInt8]] = [:]
        var delivered: [[UInt8]] = []
        while delivered.count < 12 {
            var poller = pollfd(fd: connected, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 30_000) == 1 else { break }
            reader.drainConnected(connected, lookAhead: { index, bytes in
                #expect(index < reader.batchCapacity)
                seen[index] = Array(bytes)
            }) { index, datagram in
                #expect(seen[index] == Array(datagram.readableBytesView), "the body of index \(index) is the datagram looked ahead at there")
                delivered.append(Array(datagram.readableBytesView))
            }
        }
        #expect(delivered == replies, "the peer's datagrams, in order, and none of the stranger's")
    }

    @Test("an object's cache lines cover its allocation")
    func cacheLinesCoverTheObject() {
        final class Small { var value = 1 }
        final class Large { var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0); var more = [UInt64](); var block = (Small(), Small(), Small(), Small()); var tail: (SIMD64<UInt8>, SIMD64<UInt8>, SIMD64<UInt8>, SIMD64<UInt8>) = (.zero, .zero, .zero, .zero) }
        let small = Small()
        let large = Large()
        // 16 bytes of header, 64 of words, 8 of array, 32 of references, 256 of vectors: at least 376 bytes.
        #expect(cacheLines(of: large) >= 6, "\(cacheLines(of: large)) lines")
        #expect(cacheLines(of: small) >= 1)
        #expect(cacheLines(of: small) < cacheLines(of: large))
        #expect(cacheLines(of: large, limit: 2) == 2, "capped at the limit")
        _ = (small.value, large.more)
    }

    /// A receiving socket and a sending one, both on 127.0.0.1.
    private static func loopbackPair() throws -> (LoopbackReceiver, CInt) {
        let receiver = try LoopbackReceiver()
        do {
            return (receiver, try DatagramBatch.openSocket(boundTo: SocketAddress(ipAddress: "127.0.0.1", port: 0)))
        } catch {
            receiver.close()
            throw error
        }
    }

    private static func port(of descriptor: CInt) throws -> Int {
        var storage = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return Int(UInt16(bigEndian: storage.sin_port))
    }

    @Test("a batch discarded reports every datagram in it")
    func discardReportsEverything() {
        let batch = DatagramBatch()
        let address = try! SocketAddress(ipAddress: "127.0.0.1", port: 9)
        for index in 0..<3 {
            let start = batch.beginDatagram()
            batch.buffer.writeBytes([UInt8](repeating: 7, count: index + 1))
            batch.endDatagram(startingAt: start, to: address, tag: UInt32(index))
        }
        var failures: [(UInt32, Int)] = []
        batch.discard(errno: EBADF) { tag, bytes, code in
            #expect(code == EBADF)
            failures.append((tag, bytes))
        }
        #expect(failures.map(\.0) == [0, 1, 2])
        #expect(failures.map(\.1) == [1, 2, 3])
        #expect(batch.isEmpty)
    }
}

/// A bound UDP socket on 127.0.0.1 that reads datagrams with a generous hang guard.
private struct LoopbackReceiver {
    let descriptor: CInt
    let address: SocketAddress

    init() throws {
        let descriptor = try DatagramBatch.openSocket(boundTo: SocketAddress(ipAddress: "127.0.0.1", port: 0), receiveBuffer: 1 << 20)
        var storage = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        self.descriptor = descriptor
        self.address = SocketAddress(storage, host: "127.0.0.1")
    }

    func receive(count: Int) throws -> [[UInt8]] {
        var datagrams: [[UInt8]] = []
        var buffer = [UInt8](repeating: 0, count: 2048)
        while datagrams.count < count {
            var poller = pollfd(fd: self.descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 30_000) == 1 else { throw ReceiveTimeout(received: datagrams.count) }
            let read = buffer.withUnsafeMutableBytes { recv(self.descriptor, $0.baseAddress, $0.count, 0) }
            if read >= 0 { datagrams.append(Array(buffer[0..<read])) }
        }
        return datagrams
    }

    func close() {
        Glibc.close(self.descriptor)
    }

    struct ReceiveTimeout: Error {
        var received: Int
    }
}
