import CDatagramBatch
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// Reads the datagrams waiting on a socket the caller owns, 64 per `recvmmsg`, into one reused buffer.
///
/// A realtime loop keeps its SwiftNIO channel for readiness (the channel reads one datagram when the
/// socket becomes readable), then drains the rest here: SwiftNIO's read path builds an envelope and a
/// `SocketAddress` with its text form (`inet_ntop`, a string) for every datagram, which at tens of
/// thousands of datagrams a second is a measurable share of a loop. Here a datagram costs a slice of the
/// batch's buffer and an address without text. Confined to one thread (a loop's).
public final class DatagramReceiver {
    private var storage: ByteBuffer
    private let entries: UnsafeMutablePointer<netcode_received_datagram>
    private let slotSize: Int
    private let perCall: Int
    /// When the datagram ``drain(_:limit:failed:lookAhead:_:)`` is handing to its body reached the socket,
    /// in nanoseconds of the monotonic clock (SwiftNIO's `NIODeadline` clock): the kernel's receive
    /// timestamp on a socket that asked for one (``stampArrivals(on:)``), 0 otherwise.
    public private(set) var arrival: UInt64 = 0

    /// - Parameters:
    ///   - datagramsPerCall: datagrams one `recvmmsg` reads (at most 64).
    ///   - slotSize: bytes kept of each datagram; a larger one arrives cut to this size (longer than any
    ///     valid packet, so the caller's size check refuses it).
    public init(datagramsPerCall: Int = 64, slotSize: Int = 2048) {
        self.perCall = min(max(datagramsPerCall, 1), 64)
        self.slotSize = slotSize
        self.entries = .allocate(capacity: self.perCall)
        self.storage = ByteBufferAllocator().buffer(capacity: self.perCall * slotSize)
    }

    deinit {
        self.entries.deallocate()
    }

    /// Reads every datagram waiting on `descriptor` until none waits or `limit` were read, handing each to
    /// `body` with its source. The slice may be kept (the next read then uses a new buffer). Returns how
    /// many were read; a read error other than "nothing waits" ends the drain and is passed to `failed`.
    ///
    /// `lookAhead`, if given, sees the bytes of every datagram of one `recvmmsg` before `body` gets the
    /// first of them: the place to prefetch the state each one will touch (``prefetch(_:lines:)``).
    @discardableResult
    public func drain(
        _ descriptor: CInt,
        limit: Int = 4096,
        failed: (CInt) -> Void = { _ in },
        lookAhead: ((UnsafeRawBufferPointer) -> Void)? = nil,
        _ body: (ByteBuffer, SocketAddress) -> Void
    ) -> Int {
        self.drainBatches(descriptor, limit: limit, failed: failed, looksAhead: lookAhead != nil, lookAhead: { _, bytes in lookAhead?(bytes) }) { index, datagram in
            guard let address = Self.address(self.entries[index]) else { return }
            body(datagram, address)
        }
    }

    /// ``drain(_:limit:failed:lookAhead:_:)`` for a connected socket, whose datagrams can only come from
    /// its peer (the kernel drops the rest): no source is built for each, which costs an allocation in
    /// `SocketAddress`. `lookAhead` and `body` get each datagram's index in its `recvmmsg` batch (0..<64),
    /// so what `lookAhead` found for a datagram can be handed to its `body` without a second search: every
    /// datagram `lookAhead` sees reaches `body`, in the same order, before the next batch is read.
    @discardableResult
    public func drainConnected(
        _ descriptor: CInt,
        limit: Int = 4096,
        failed: (CInt) -> Void = { _ in },
        lookAhead: (_ index: Int, _ bytes: UnsafeRawBufferPointer) -> Void,
        _ body: (_ index: Int, _ datagram: ByteBuffer) -> Void
    ) -> Int {
        self.drainBatches(descriptor, limit: limit, failed: failed, looksAhead: true, lookAhead: lookAhead, body)
    }

    /// The most datagrams one batch holds (the `index` ``drainConnected(_:limit:failed:lookAhead:_:)`` hands out is below it).
    public var batchCapacity: Int { self.perCall }

    private func drainBatches(
        _ descriptor: CInt,
        limit: Int,
        failed: (CInt) -> Void,
        looksAhead: Bool,
        lookAhead: (Int, UnsafeRawBufferPointer) -> Void,
        _ body: (Int, ByteBuffer) -> Void
    ) -> Int {
        var total = 0
        while total < limit {
            self.storage.clear()
            let wanted = min(self.perCall, limit - total)
            let read = self.storage.withUnsafeMutableWritableBytes { bytes -> Int32 in
                netcode_datagram_receive_batch(descriptor, bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt32(self.slotSize), self.entries, Int32(wanted))
            }
            guard read > 0 else {
                if read < 0 { failed(-read) }
                return total
            }
            self.storage.moveWriterIndex(forwardBy: Int(read) * self.slotSize)
            if looksAhead {
                self.storage.withUnsafeReadableBytes { bytes in
                    for index in 0..<Int(read) {
                        let start = index * self.slotSize
                        lookAhead(index, UnsafeRawBufferPointer(rebasing: bytes[start..<start + Int(self.entries[index].length)]))
                    }
                }
            }
            for index in 0..<Int(read) {
                guard let datagram = self.storage.getSlice(at: index * self.slotSize, length: Int(self.entries[index].length)) else { continue }
                self.arrival = self.entries[index].arrival_ns
                body(index, datagram)
            }
            total += Int(read)
            if Int(read) < wanted { return total }
        }
        return total
    }

    /// Asks the kernel to stamp each datagram `descriptor` receives with the time it reached the socket
    /// (`SO_TIMESTAMPNS`), for ``arrival``. False if the socket refused.
    @discardableResult
    public static func stampArrivals(on descriptor: CInt) -> Bool {
        netcode_datagram_stamp_arrivals(descriptor) == 0
    }

    /// The source address, without its text form (which `SocketAddress` would otherwise make with
    /// `inet_ntop`); equality and hashing use the bytes only.
    private static func address(_ entry: netcode_received_datagram) -> SocketAddress? {
        var storage = entry.address
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafeBytes(of: &storage) { SocketAddress($0.load(as: sockaddr_in.self), host: "") }
        case AF_INET6:
            return withUnsafeBytes(of: &storage) { SocketAddress($0.load(as: sockaddr_in6.self), host: "") }
        default:
            return nil
        }
    }
}

/// Starts loading `lines` 64-byte cache lines from `address` on (for writing) without waiting for them.
/// A hint: it never faults and changes nothing the program can see but time.
@inlinable
public func prefetch(_ address: UnsafeRawPointer, lines: Int) {
    netcode_prefetch(address, Int32(truncatingIfNeeded: lines))
}

/// The cache lines (64 bytes) a heap object spans, from its allocation's size, between 1 and `limit`
/// (`fallback` where the C library cannot tell).
public func cacheLines(of object: AnyObject, limit: Int = 24, fallback: Int = 8) -> Int {
    let bytes = Int(netcode_allocation_size(Unmanaged.passUnretained(object).toOpaque()))
    guard bytes > 0 else { return fallback }
    return min(max((bytes + 63) / 64, 1), limit)
}
