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
/// The socket is connected to the server, so the kernel delivers nothing from anyone else and keeps the
/// route to it. SwiftNIO reads one datagram when the socket becomes readable; the handler then drains the
/// rest itself (`DatagramReceiver.drainConnected`: `recvmmsg`, 64 at a time, no envelope or address per
/// datagram, one session lookup per datagram for both its prefetch and its delivery). Sending does
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
    private var flushPending = false
    /// Why the socket could not be connected to the server (an errno; 0 when it is connected): every
    /// datagram is then reported to its session as failed with it, and nothing is read.
    private let unreachable: CInt

    private init(channel: any Channel, descriptor: CInt, handler: SharedDatagramHandler, unreachable: CInt) {
        self.channel = channel
        self.descriptor = descriptor
        self.handler = handler
        self.unreachable = unreachable
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
            let made = loop.submit { () -> (NIOLoopBound<SharedDatagramHandler>, CInt, CInt) in
                let local = try SocketAddress.makeAddressResolvingHost(localHost, port: 0)
                let descriptor = try DatagramBatch.openSocket(boundTo: local, receiveBuffer: 4 << 20, sendBuffer: 4 << 20)
                // A server this socket cannot reach (an IPv6 server from an IPv4 socket) leaves it
                // unconnected: its sessions' datagrams then fail one by one, as they would if sent.
                let unreachable = DatagramBatch.connect(descriptor, to: server)
                // Each snapshot's arrival at the socket, so the report can tell its trip from the wait
                // for this loop to read it.
                DatagramReceiver.stampArrivals(on: descriptor)
                let handler = SharedDatagramHandler(descriptor: descriptor, delivers: unreachable == 0)
                return (NIOLoopBound(handler, eventLoop: loop), descriptor, unreachable)
            }.flatMap { handler, descriptor, unreachable in
                DatagramBootstrap(group: loop)
                    .channelOption(.datagramVectorReadMessageCount, value: 1)
                    .channelOption(.maxMessagesPerRead, value: 1)
                    .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 2048))
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler.value) }
                    }
                    .withBoundSocket(descriptor)
                    .map { channel in
                        let socket = SharedDatagramSocket(channel: channel, descriptor: descriptor, handler: handler.value, unreachable: unreachable)
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
        self.handler.register(sessionID, core)
    }

    func unregister(_ sessionID: UInt32) {
        self.handler.unregister(sessionID)
    }

    /// Appends the packet to this turn's batch; every datagram queued during the turn leaves in one
    /// batch when the turn ends.
    func send(from session: RealtimeClientCore, _ write: (inout ByteBuffer) -> Void) -> Int {
        let start = self.batch.beginDatagram()
        write(&self.batch.buffer)
        let size = self.batch.buffer.writerIndex - start
        // To the server: the socket is connected to it.
        self.batch.endDatagram(startingAt: start, tag: session.start.sessionID)
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
        } else if self.unreachable != 0 {
            self.batch.discard(errno: self.unreachable, failed: failed)
        } else {
            // Every datagram goes to the server, most of one size: segmentation offload applies.
            self.batch.send(on: self.descriptor, segmenting: true, failed: failed)
        }
    }
}

/// Hands each datagram from the server to the session it names; anything else is ignored. The socket
/// is connected to the server, so every datagram on it comes from the server's address.
final class SharedDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    /// The sessions on this socket, by session id.
    private(set) var sessions: [UInt32: RealtimeClientCore] = [:]
    /// The same sessions unretained, with the cache lines each spans: what a drain looks up for every
    /// datagram, once, to prefetch its session before the batch's first datagram is handled and then to
    /// deliver it. A lookup here touches nothing of the session (a retain would wait for its cache line
    /// there and then, and the prefetch would come too late).
    private var hints: [UInt32: (session: Unmanaged<RealtimeClientCore>, lines: Int32)] = [:]
    /// The session each datagram of the batch being drained goes to, by its index in the batch (nil:
    /// none), set when the batch is looked ahead at.
    private let batchSessions: UnsafeMutablePointer<Unmanaged<RealtimeClientCore>?>
    private let batchCapacity: Int
    /// Sessions unregistered while a batch is being delivered, kept alive until it is done (the batch
    /// holds them unretained). Delivering to a session that has ended does nothing.
    private var retired: [RealtimeClientCore] = []
    private var draining = false
    /// The socket, drained after the channel's own read of each turn (nil once the channel is inactive).
    private var descriptor: CInt?
    private let receiver = DatagramReceiver()
    /// False for a socket that could not be connected to the server: anything it reads could come from
    /// anyone, and is dropped unread.
    private let delivers: Bool

    init(descriptor: CInt, delivers: Bool) {
        self.descriptor = descriptor
        self.delivers = delivers
        self.batchCapacity = self.receiver.batchCapacity
        self.batchSessions = .allocate(capacity: self.batchCapacity)
        self.batchSessions.initialize(repeating: nil, count: self.batchCapacity)
    }

    deinit {
        self.batchSessions.deallocate()
    }

    func register(_ sessionID: UInt32, _ core: RealtimeClientCore) {
        if let previous = self.sessions.updateValue(core, forKey: sessionID), self.draining { self.retired.append(previous) }
        self.hints[sessionID] = (Unmanaged.passUnretained(core), Int32(cacheLines(of: core)))
    }

    func unregister(_ sessionID: UInt32) {
        if let previous = self.sessions.removeValue(forKey: sessionID), self.draining { self.retired.append(previous) }
        self.hints[sessionID] = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = self.unwrapInboundIn(data)
        guard self.delivers, let session = PacketHeader.peekSessionID(envelope.data) else { return }
        self.sessions[session]?.receive(envelope.data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        guard let descriptor else { return }
        self.draining = true
        self.receiver.drainConnected(descriptor, lookAhead: { index, bytes in
            guard self.delivers, let id = PacketHeader.sessionIDHint(bytes), let hint = self.hints[id] else {
                self.batchSessions[index] = nil
                return
            }
            prefetch(UnsafeRawPointer(hint.session.toOpaque()), lines: Int(hint.lines))
            self.batchSessions[index] = hint.session
        }) { index, datagram in
            // Two datagrams ahead, the lines that session's snapshot reaches through its own (loaded by now).
            if index + 2 < self.batchCapacity, let ahead = self.batchSessions[index + 2] {
                ahead._withUnsafeGuaranteedRef { $0.prefetchReceive() }
            }
            // One ahead, the lists those lines lead to.
            if index + 1 < self.batchCapacity, let next = self.batchSessions[index + 1] {
                next._withUnsafeGuaranteedRef { $0.prefetchReceiveLists() }
            }
            guard let session = self.batchSessions[index] else { return }
            self.batchSessions[index] = nil
            // Registered when the batch was looked ahead at, and kept alive by `retired` since if it
            // was unregistered in between.
            session._withUnsafeGuaranteedRef { $0.receive(datagram, arrival: self.receiver.arrival) }
        }
        self.draining = false
        self.retired.removeAll(keepingCapacity: true)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.descriptor = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP errors (server not there yet) are per datagram: keep the socket.
    }
}
