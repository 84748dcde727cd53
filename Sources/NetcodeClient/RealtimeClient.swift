import LinkEmulator
import NIOCore
import NIOPosix
import NetcodeProtocol

/// Plays one match's realtime stream for one player, over UDP or over the lobby's TCP connection as the
/// match says, and reports what the player experienced.
public final class RealtimeClient: Sendable {
    private let core: NIOLoopBound<RealtimeClientCore>
    public let result: EventLoopFuture<(RealtimeEnd, PlayerExperience)>
    /// The match being played. Its roster says who is behind each player id of the snapshots
    /// (``MatchStart/player(_:)``): what a client shows as names during the match.
    public let start: MatchStart

    private init(core: NIOLoopBound<RealtimeClientCore>, result: EventLoopFuture<(RealtimeEnd, PlayerExperience)>, start: MatchStart) {
        self.core = core
        self.result = result
        self.start = start
    }

    /// The loop whose shared socket plays match `matchID`: every player of a match on one loop, the
    /// matches spread over the loops. The server writes a match's snapshots one after another, so they
    /// reach one socket as one run, read in one wake-up, instead of alternating between the loops' sockets
    /// and waking both for every few.
    static func loop(for matchID: UInt64, in group: any EventLoopGroup) -> any EventLoop {
        let loops = Array(group.makeIterator())
        guard loops.count > 1 else { return group.next() }
        // Fibonacci hashing: consecutive match ids (which the server may place on alternating shards)
        // land on loops independently of their parity.
        let mixed = (matchID &* 0x9E37_79B9_7F4A_7C15) >> 32
        return loops[Int(mixed % UInt64(loops.count))]
    }

    /// Starts playing. `serverHost` is the lobby's host; UDP matches send to `start.udpPort` there.
    /// `localHost` is the address the UDP socket binds (any port).
    public static func play(
        _ start: MatchStart,
        serverHost: String,
        localHost: String = "0.0.0.0",
        lobby: LobbyClient,
        options: RealtimeClientOptions,
        live: LiveTraffic? = nil,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> RealtimeClient {
        switch start.transport {
        case .tcp:
            let loop = lobby.channel.eventLoop
            let channel = lobby.channel
            let core = try await loop.submit {
                let core = RealtimeClientCore(start: start, options: options, eventLoop: loop, live: live)
                core.transport = ChannelTransport(eventLoop: loop) { packet, promise in
                    var frame = channel.allocator.buffer(capacity: packet.readableBytes + 1)
                    ClientMessage.realtime(packet).encode(into: &frame)
                    channel.writeAndFlush(ClientOutbound.frame(frame), promise: promise)
                }
                return NIOLoopBound(core, eventLoop: loop)
            }.get()
            lobby.setRealtimeSink { packet in core.value.receive(packet) }
            let result = try await loop.submit { () -> EventLoopFuture<(RealtimeEnd, PlayerExperience)> in
                core.value.run()
                return core.value.result
            }.get()
            result.whenComplete { _ in lobby.setRealtimeSink(nil) }
            return RealtimeClient(core: core, result: result, start: start)

        case .udp where options.sharedSocket && options.impairment == nil:
            let loop = Self.loop(for: start.matchID, in: eventLoopGroup)
            let server = try SocketAddress.makeAddressResolvingHost(serverHost, port: Int(start.udpPort))
            let socket = try await SharedDatagramSocket.socket(on: loop, server: server, localHost: localHost).get()
            let core = try await loop.submit {
                let shared = socket.value
                let core = RealtimeClientCore(start: start, options: options, eventLoop: loop, live: live)
                core.transport = shared
                shared.register(start.sessionID, core)
                return NIOLoopBound(core, eventLoop: loop)
            }.get()
            let result = try await loop.submit { () -> EventLoopFuture<(RealtimeEnd, PlayerExperience)> in
                core.value.run()
                return core.value.result
            }.get()
            result.whenComplete { _ in socket.value.unregister(start.sessionID) }
            return RealtimeClient(core: core, result: result, start: start)

        case .udp:
            let loop = eventLoopGroup.next()
            let server = try SocketAddress.makeAddressResolvingHost(serverHost, port: Int(start.udpPort))
            let handler = try await loop.submit { NIOLoopBound(RealtimeDatagramHandler(server: server), eventLoop: loop) }.get()
            let channel = try await DatagramBootstrap(group: loop)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let link = options.impairment {
                            // The whole link is emulated here: upstream on the way out, downstream on the way in.
                            try channel.pipeline.syncOperations.addHandler(DatagramImpairmentHandler(link: link, side: .client, seed: options.seed ^ 0x5EED))
                        }
                        try channel.pipeline.syncOperations.addHandler(handler.value)
                    }
                }
                .bind(host: localHost, port: 0)
                .get()
            let core = try await loop.submit {
                let core = RealtimeClientCore(start: start, options: options, eventLoop: loop, live: live)
                core.transport = ChannelTransport(eventLoop: loop) { packet, promise in
                    channel.writeAndFlush(AddressedEnvelope(remoteAddress: server, data: packet), promise: promise)
                }
                handler.value.core = core
                return NIOLoopBound(core, eventLoop: loop)
            }.get()
            let result = try await loop.submit { () -> EventLoopFuture<(RealtimeEnd, PlayerExperience)> in
                core.value.run()
                return core.value.result
            }.get()
            result.whenComplete { _ in channel.close(promise: nil) }
            return RealtimeClient(core: core, result: result, start: start)
        }
    }

    /// Ends the session from this side (e.g. the lobby announced the match end).
    public func end(_ how: RealtimeEnd) {
        let core = self.core
        core.eventLoop.execute { core.value.end(how) }
    }

    /// Waits for the first snapshot this session decodes; false if the session ended before one.
    public func firstSnapshot() async throws -> Bool {
        let core = self.core
        return try await core.eventLoop.submit { core.value.firstSnapshot }.get().get()
    }

    /// Waits for the session to end and returns how it ended and what the player experienced.
    public func finished() async throws -> (RealtimeEnd, PlayerExperience) {
        try await self.result.get()
    }
}

/// Hands datagrams from the server to the session; anything from another address is ignored.
final class RealtimeDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    let server: SocketAddress
    var core: RealtimeClientCore?

    init(server: SocketAddress) {
        self.server = server
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = self.unwrapInboundIn(data)
        guard envelope.remoteAddress == self.server else { return }
        self.core?.receive(envelope.data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP errors (server not there yet) are per datagram: keep the socket.
    }
}
