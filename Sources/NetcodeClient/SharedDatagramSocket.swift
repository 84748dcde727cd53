import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NetcodeProtocol

/// One UDP socket per event loop shared by every client session on that loop, demultiplexed by the
/// session id each packet carries. A load generator of thousands of bots pays per socket and per
/// system call; sharing lets the kernel batch datagrams (`recvmmsg` / `sendmmsg`) and makes the swarm
/// cheaper than the server it measures. The server routes by session id, not by address, so it
/// handles these sessions exactly as it handles clients with sockets of their own.
final class SharedDatagramSocket {
    let channel: any Channel
    private let handler: SharedDatagramHandler
    private var flushPending = false

    private init(channel: any Channel, handler: SharedDatagramHandler) {
        self.channel = channel
        self.handler = handler
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
            let made = loop.submit { NIOLoopBound(SharedDatagramHandler(server: server), eventLoop: loop) }.flatMap { handler in
                DatagramBootstrap(group: loop)
                    .channelOption(.socketOption(.so_rcvbuf), value: 4 << 20)
                    .channelOption(.socketOption(.so_sndbuf), value: 4 << 20)
                    .channelOption(.datagramVectorReadMessageCount, value: 32)
                    .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 2048 * 32))
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler.value) }
                    }
                    .bind(host: localHost, port: 0)
                    .map { channel in NIOLoopBound(SharedDatagramSocket(channel: channel, handler: handler.value), eventLoop: loop) }
            }
            sockets[key] = made
            // A failed bind is not kept, so a later session can try again.
            made.whenFailure { _ in _ = Self.registry.withLockedValue { $0.removeValue(forKey: key) } }
            return made
        }
    }

    func register(_ sessionID: UInt32, _ core: RealtimeClientCore) {
        self.handler.sessions[sessionID] = core
    }

    func unregister(_ sessionID: UInt32) {
        self.handler.sessions[sessionID] = nil
    }

    /// Queues a datagram; every datagram queued during this turn of the loop leaves in one flush.
    func send(_ packet: ByteBuffer, promise: EventLoopPromise<Void>?) {
        self.channel.write(AddressedEnvelope(remoteAddress: self.handler.server, data: packet), promise: promise)
        guard !self.flushPending else { return }
        self.flushPending = true
        self.channel.eventLoop.assumeIsolated().execute {
            self.flushPending = false
            self.channel.flush()
        }
    }
}

/// Hands each datagram from the server to the session it names; anything else is ignored.
final class SharedDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    let server: SocketAddress
    var sessions: [UInt32: RealtimeClientCore] = [:]

    init(server: SocketAddress) {
        self.server = server
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = self.unwrapInboundIn(data)
        guard envelope.remoteAddress == self.server, let session = PacketHeader.peekSessionID(envelope.data) else { return }
        self.sessions[session]?.receive(envelope.data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP errors (server not there yet) are per datagram: keep the socket.
    }
}
