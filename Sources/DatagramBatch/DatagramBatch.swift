import CDatagramBatch
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// The datagrams of one turn of a realtime loop, written back to back into one buffer and handed to the
/// kernel in one batch (`sendmmsg`, 64 per call) on a socket the caller owns.
///
/// SwiftNIO's datagram channel costs an envelope, a pending-write entry and (to learn of a send error)
/// a promise and a callback per datagram; this costs nothing per datagram once the buffer and the table
/// have grown to a turn's size, and still reports each datagram the kernel refused, by the tag the caller
/// gave it. Confined to one thread (a loop's).
public final class DatagramBatch {
    /// The bytes of the datagrams appended since the last send. Write a datagram at its end between
    /// ``beginDatagram()`` and ``endDatagram(startingAt:to:tag:)``.
    public var buffer: ByteBuffer
    private var entries: UnsafeMutablePointer<netcode_datagram>
    private var tags: UnsafeMutablePointer<UInt32>
    private var capacity: Int
    public private(set) var count = 0

    public init(expectedDatagrams: Int = 256, bytesPerDatagram: Int = 128) {
        self.capacity = max(expectedDatagrams, 16)
        self.entries = .allocate(capacity: self.capacity)
        self.tags = .allocate(capacity: self.capacity)
        self.buffer = ByteBufferAllocator().buffer(capacity: self.capacity * bytesPerDatagram)
    }

    deinit {
        self.entries.deallocate()
        self.tags.deallocate()
    }

    public var isEmpty: Bool { self.count == 0 }

    /// Where the next datagram starts: pass it to ``endDatagram(startingAt:to:tag:)`` once it is written.
    public func beginDatagram() -> Int {
        self.buffer.writerIndex
    }

    /// Ends the datagram written since `start`, to `address`; `tag` names it in a send failure.
    public func endDatagram(startingAt start: Int, to address: UnsafePointer<sockaddr>, length: socklen_t, tag: UInt32) {
        let entry = self.appendEntry(startingAt: start, tag: tag)
        withUnsafeMutableBytes(of: &entry.pointee.address) { storage in
            storage.copyMemory(from: UnsafeRawBufferPointer(start: address, count: Int(length)))
        }
        entry.pointee.address_length = length
    }

    /// The next entry, for the datagram written since `start`, with no address yet (`address_length` 0).
    @inline(__always)
    private func appendEntry(startingAt start: Int, tag: UInt32) -> UnsafeMutablePointer<netcode_datagram> {
        if self.count == self.capacity { self.grow() }
        let entry = self.entries + self.count
        entry.pointee.offset = UInt32(start)
        entry.pointee.length = UInt32(self.buffer.writerIndex - start)
        entry.pointee.address_length = 0
        self.tags[self.count] = tag
        self.count += 1
        return entry
    }

    /// Connects the UDP socket `descriptor` to `peer`: the kernel then delivers only `peer`'s datagrams to
    /// it, and datagrams ended without an address (``endDatagram(startingAt:tag:)``) go to `peer` by the
    /// route the connection keeps. Returns 0, or the errno (e.g. `EAFNOSUPPORT` for an IPv6 peer of an
    /// IPv4 socket).
    public static func connect(_ descriptor: CInt, to peer: SocketAddress) -> CInt {
        let result = peer.withSockAddr { pointer, length in Glibc.connect(descriptor, pointer, socklen_t(length)) }
        return result == 0 ? 0 : errno
    }

    /// Ends the datagram written since `start`, to the peer of the connected socket it will be sent on.
    public func endDatagram(startingAt start: Int, tag: UInt32) {
        _ = self.appendEntry(startingAt: start, tag: tag)
    }

    /// Ends the datagram written since `start`, to `address`.
    public func endDatagram(startingAt start: Int, to address: SocketAddress, tag: UInt32) {
        address.withSockAddr { pointer, length in
            self.endDatagram(startingAt: start, to: pointer, length: socklen_t(length), tag: tag)
        }
    }

    /// Sends every datagram appended since the last send on `descriptor`, then empties the batch (keeping
    /// its memory). Calls `failed` for each datagram the kernel refused, with its tag, its size and the
    /// errno. Returns how many the kernel took.
    ///
    /// - Parameter segmenting: hand runs of same-size datagrams to one address to the kernel as one
    ///   message each, with UDP generic segmentation offload (`UDP_SEGMENT`): the receiver still gets
    ///   every datagram on its own, the sender pays the trip through the stack once per run. For a
    ///   sender whose datagrams mostly go to one address (a swarm's shared socket).
    @discardableResult
    public func send(on descriptor: CInt, segmenting: Bool = false, failed: (_ tag: UInt32, _ bytes: Int, _ errno: CInt) -> Void) -> Int {
        guard self.count > 0 else { return 0 }
        let count = self.count
        self.buffer.moveReaderIndex(to: 0)
        let sent = self.buffer.withUnsafeReadableBytes { bytes -> Int32 in
            // Offsets count from the start of the buffer, where the reader index now is.
            netcode_datagram_send_batch(descriptor, bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), self.entries, Int32(count), segmenting ? 1 : 0)
        }
        if Int(sent) < count {
            for index in 0..<count where self.entries[index].error != 0 {
                failed(self.tags[index], Int(self.entries[index].length), self.entries[index].error)
            }
        }
        self.count = 0
        self.buffer.clear()
        return Int(sent)
    }

    /// Empties the batch without sending it (its socket is gone), reporting every datagram in it to
    /// `failed` with `errno`.
    public func discard(errno: CInt, failed: (_ tag: UInt32, _ bytes: Int, _ errno: CInt) -> Void) {
        for index in 0..<self.count {
            failed(self.tags[index], Int(self.entries[index].length), errno)
        }
        self.count = 0
        self.buffer.clear()
    }

    private func grow() {
        let capacity = self.capacity * 2
        let entries = UnsafeMutablePointer<netcode_datagram>.allocate(capacity: capacity)
        entries.moveInitialize(from: self.entries, count: self.count)
        self.entries.deallocate()
        self.entries = entries
        let tags = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity)
        tags.moveInitialize(from: self.tags, count: self.count)
        self.tags.deallocate()
        self.tags = tags
        self.capacity = capacity
    }

    /// Opens a non-blocking UDP socket bound to `address` (port 0: any) with the given buffer sizes
    /// (0: the system's). The caller owns the descriptor (e.g. hands it to SwiftNIO with
    /// `DatagramBootstrap.withBoundSocket`, which closes it with the channel).
    public static func openSocket(boundTo address: SocketAddress, receiveBuffer: Int = 0, sendBuffer: Int = 0) throws -> CInt {
        let result = address.withSockAddr { pointer, length in
            netcode_datagram_open(pointer, socklen_t(length), Int32(receiveBuffer), Int32(sendBuffer))
        }
        guard result >= 0 else { throw IOError(errnoCode: -result, reason: "opening a UDP socket bound to \(address)") }
        return result
    }
}
