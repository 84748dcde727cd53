import DatagramBatch
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NetcodeProtocol

#if canImport(Glibc)
import Glibc
#endif

/// One UDP socket per event loop shared by every client session on that loop, demultiplexed by the
/// session id each packet carries. A load generator of thousands of bots pays per socket and per
/// system call; sharing lets the kernel batch datagrams and makes the swarm cheaper than the server it
/// measures. The server routes by session id, not by address, so it handles these sessions exactly as
/// it handles clients with sockets of their own.
///
/// SwiftNIO reads one datagram when the socket becomes readable; the handler then drains the rest itself
/// (`DatagramReceiver`: `recvmmsg`, 64 at a time, no envelope or address text per datagram). Sending does
/// not go through SwiftNIO either: the sessions seal their
/// packets straight into one ``DatagramBatch`` per loop turn, sent with `sendmmsg` at the end of the
/// turn (same-size runs with UDP segmentation offload: the server still receives each datagram on its
/// own), so a packet costs no buffer, envelope or promise of its own; a datagram the kernel refuses is
/// still reported to the session that sent it.
final class SharedDatagramSocket: RealtimeClientTransport {
    let channel: any Channel
    private let handler: SharedDatagramHandler
    /// The socket, owned by `channel` (closed with it).
    private let descriptor: CInt
    private var closed = false
    private let batch = DatagramBatch()
    private var server: sockaddr_storage
    private let serverLength: socklen_t
    private var flushPending = false

    private init(channel: any Channel, descriptor: CInt, handler: SharedDatagramHandler) {
        self.channel = channel
        self.descriptor = descriptor
        self.handler = handler
        var storage = sockaddr_storage()
        self.serverLength = handler.server.withSockAddr { pointer, length in
            withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: UnsafeRawBufferPointer(start: pointer, count: length)) }
            return socklen_t(length)
        }
        self.server = storage
    }

    /// Sockets by event loop, server and local host; each is only used on its own loop.
    private static let registry = NIOLockedValueBox<[Key: EventLoopFuture<NIOLoopBound<SharedDatagramSocket>>]>([:])

    private struct Key: Hashable {
        var loop: ObjectIdentifier
        var server: SocketAddress
        var localHost: String
    }

    /// The shared socket of `loop` for `server`, bound on first use.
    static func socket(on loop: any EventLoop, server: SocketAddress, localHost: String) -> EventLoopFuture<NIOLoopBound<SharedDatagramSocket>> {
        let key = Key(loop: ObjectIdentifier(loop), server: server, localHost: localHost)
        return self.registry.withLockedValue { sockets in
            if let existing = sockets[key] { return existing }
            let made = loop.submit { () -> (NIOLoopBound<SharedDatagramHandler>, CInt) in
                let local = try SocketAddress.makeAddressResolvingHost(localHost, port: 0)
                let descriptor = try DatagramBatch.openSocket(boundTo: local, receiveBuffer: 4 << 20, sendBuffer: 4 << 20)
                // Each snapshot's arrival at the socket, so the report can tell its trip from the wait
                // for this loop to read it.
                DatagramReceiver.stampArrivals(on: descriptor)
                return (NIOLoopBound(SharedDatagramHandler(server: server, descriptor: descriptor), eventLoop: loop), descriptor)
            }.flatMap { handler, descriptor in
                DatagramBootstrap(group: loop)
                    .channelOption(.datagramVectorReadMessageCount, value: 1)
                    .channelOption(.maxMessagesPerRead, value: 1)
                    .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 2048))
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler.value) }
                    }
                    .withBoundSocket(descriptor)
                    .map { channel in
                        let socket = SharedDatagramSocket(channel: channel, descriptor: descriptor, handler: handler.value)
                        channel.closeFuture.assumeIsolated().whenComplete { _ in socket.closed = true }
                        return NIOLoopBound(socket, eventLoop: loop)
                    }
            }
            sockets[key] = made
            // A failed bind is not kept, so a later session can try again.
            made.whenFailure { _ in _ = Self.registry.withLockedValue { $0.removeValue(forKey: key) } }
            return made
        }
    }

    func register(_ sessionID: UInt32, _ core: RealtimeClientCore) {
        self.handler.sessions[sessionID] = core
        self.handler.prefetchHints[sessionID] = (UnsafeRawPointer(Unmanaged.passUnretained(core).toOpaque()), Int32(cacheLines(of: core)))
    }

    func unregister(_ sessionID: UInt32) {
        self.handler.sessions[sessionID] = nil
        self.handler.prefetchHints[sessionID] = nil
    }

    /// Appends the packet to this turn's batch; every datagram queued during the turn leaves in one
    /// batch when the turn ends.
    func send(from session: RealtimeClientCore, _ write: (inout ByteBuffer) -> Void) -> Int {
        let start = self.batch.beginDatagram()
        write(&self.batch.buffer)
        let size = self.batch.buffer.writerIndex - start
        withUnsafePointer(to: &self.server) { storage in
            storage.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                self.batch.endDatagram(startingAt: start, to: address, length: self.serverLength, tag: session.start.sessionID)
            }
        }
        if !self.flushPending {
            self.flushPending = true
            self.channel.eventLoop.assumeIsolated().execute { self.flush() }
        }
        return size
    }

    private func flush() {
        self.flushPending = false
        let failed = { (session: UInt32, bytes: Int, _: CInt) -> Void in self.handler.sessions[session]?.sendFailed(bytes: bytes) }
        if self.closed {
            self.batch.discard(errno: EBADF, failed: failed)
        } else {
            // Every datagram goes to the server, most of one size: segmentation offload applies.
            self.batch.send(on: self.descriptor, segmenting: true, failed: failed)
        }
    }
}

/// Hands each datagram from the server to the session it names; anything else is ignored.
final class SharedDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    let server: SocketAddress
    var sessions: [UInt32: RealtimeClientCore] = [:]
    /// Where each session lies in memory and how many cache lines it spans, to prefetch it for every
    /// datagram of a batch before the first is handled (as the server's shard does): plain addresses, so
    /// a lookup retains nothing. Kept with `sessions` by the socket; a stale one is never dereferenced.
    var prefetchHints: [UInt32: (address: UnsafeRawPointer, lines: Int32)] = [:]
    /// The socket, drained after the channel's own read of each turn (nil once the channel is inactive).
    private var descriptor: CInt?
    private let receiver = DatagramReceiver()

    init(server: SocketAddress, descriptor: CInt) {
        self.server = server
        self.descriptor = descriptor
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = self.unwrapInboundIn(data)
        self.deliver(envelope.data, from: envelope.remoteAddress)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        guard let descriptor else { return }
        self.receiver.drain(descriptor, lookAhead: { bytes in
            guard let session = PacketHeader.sessionIDHint(bytes), let hint = self.prefetchHints[session] else { return }
            prefetch(hint.address, lines: Int(hint.lines))
        }) { datagram, address in
            self.deliver(datagram, from: address, arrival: self.receiver.arrival)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.descriptor = nil
        context.fireChannelInactive()
    }

    private func deliver(_ datagram: ByteBuffer, from address: SocketAddress, arrival: UInt64 = 0) {
        guard address == self.server, let session = PacketHeader.peekSessionID(datagram) else { return }
        self.sessions[session]?.receive(datagram, arrival: arrival)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP errors (server not there yet) are per datagram: keep the socket.
    }
}
