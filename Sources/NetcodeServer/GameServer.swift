import LinkEmulator
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NetcodeProtocol
import NetcodeStore
import ServiceLifecycle

/// The headless game server: the TCP lobby, the realtime side and the database, run as one `Service`.
///
/// On graceful shutdown (SIGINT/SIGTERM through a `ServiceGroup`, or ``shutdown()``) it stops accepting,
/// tells every client it is going away, waits for pending database writes, and closes every socket.
public final class GameServer: Service, Sendable {
    public let configuration: ServerConfiguration
    public let lobby: LobbyService
    let database: NetcodeDatabase
    let logger: Logger
    let eventLoopGroup: MultiThreadedEventLoopGroup
    let recorder: ResultRecorder
    private let state = NIOLockedValueBox(RunState())

    struct RunState {
        var listener: NIOAsyncChannel<AcceptedLobbyChannel, Never>?
        var realtime: RealtimeEndpoint?
        var shutdownRequested = false
    }

    /// The bound UDP socket and the matches behind it.
    struct RealtimeEndpoint: Sendable {
        var channel: any Channel
        var server: NIOLoopBound<RealtimeServer>
        var director: MatchDirector
        var port: Int
    }

    /// The realtime (UDP) port, once bound.
    public var udpPort: Int? { self.state.withLockedValue { $0.realtime?.port } }

    public init(
        configuration: ServerConfiguration,
        database: NetcodeDatabase,
        logger: Logger,
        eventLoopGroup: MultiThreadedEventLoopGroup = .singleton
    ) throws {
        self.configuration = configuration
        self.database = database
        self.logger = logger
        self.eventLoopGroup = eventLoopGroup
        let authenticator = try Authenticator(
            database: database,
            hasher: PasswordHasher(iterations: configuration.passwordIterations),
            limiter: LoginRateLimiter(
                allowedFailures: configuration.loginFailuresAllowed,
                window: configuration.loginFailureWindow,
                blockDuration: configuration.loginBlockDuration
            ),
            registrations: RegistrationLimiter(allowed: configuration.registrationsPerAddress, window: configuration.registrationWindow),
            trustedAddresses: configuration.trustedAddresses,
            maximumPendingHashes: configuration.maximumPendingHashes,
            logger: logger
        )
        self.recorder = ResultRecorder(database: database, logger: logger)
        self.lobby = LobbyService(
            state: LobbyState(
                serverName: configuration.serverName,
                defaultTransport: configuration.defaultTransport,
                limits: configuration.lobbyLimits,
                maximumFrameSize: configuration.maximumFrameSize
            ),
            authenticator: authenticator,
            maximumRoomsPerAddress: configuration.maximumRoomsPerAddress,
            trustedAddresses: configuration.trustedAddresses,
            logger: logger
        )
    }

    /// Binds the lobby listener (if not yet bound) and returns its port; lets tests bind port 0 and learn
    /// the port before ``run()``.
    @discardableResult
    public func bind() async throws -> Int {
        if let listener = self.state.withLockedValue({ $0.listener }) {
            return listener.channel.localAddress?.port ?? self.configuration.tcpPort
        }
        let realtime = try await self.makeRealtimeEndpoint()
        let listener = try await self.makeListener()
        self.state.withLockedValue {
            $0.listener = listener
            $0.realtime = realtime
        }
        let port = listener.channel.localAddress?.port ?? self.configuration.tcpPort
        self.logger.info("lobby listening", metadata: ["address": "\(self.configuration.host):\(port)", "transport": "tcp"])
        return port
    }

    public func run() async throws {
        try await self.bind()
        guard let (listener, realtime) = self.state.withLockedValue({ state in state.listener.flatMap { l in state.realtime.map { (l, $0) } } }) else { return }
        let matchHost = realtime.director
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.reportStatus(every: .seconds(10)) }
                do {
                    try await listener.executeThenClose { inbound in
                        for try await connection in inbound {
                            group.addTask {
                                await LobbyConnection(channel: connection.channel, frameLimit: connection.frameLimit, lobby: self.lobby, matchHost: matchHost, configuration: self.configuration, logger: self.logger).run()
                            }
                        }
                    }
                } catch {
                    self.logger.error("lobby listener failed", metadata: ["error": "\(error)"])
                }
            }
        } onGracefulShutdown: {
            self.shutdown()
        }
        // Every connection is closed; results of matches that ended are still being written.
        await self.recorder.drain()
        try? await realtime.channel.close()
        self.logger.info("server stopped")
    }

    /// Starts a graceful shutdown: no new connections, `goingAway` to every client, then every socket
    /// closed. ``run()`` returns when that is done.
    public func shutdown() {
        let listener = self.state.withLockedValue { state -> NIOAsyncChannel<AcceptedLobbyChannel, Never>? in
            guard !state.shutdownRequested else { return nil }
            state.shutdownRequested = true
            return state.listener
        }
        guard let listener else { return }
        self.logger.info("shutting down: no new connections, telling clients")
        listener.channel.close(promise: nil)
        if let realtime = self.state.withLockedValue({ $0.realtime }) {
            realtime.channel.eventLoop.execute { realtime.server.value.abandonAll() }
        }
        let grace = self.configuration.shutdownGracePeriod
        Task {
            await self.lobby.beginShutdown(reason: "the server is shutting down")
            // Clients that don't close after goingAway are closed for them.
            try? await Task.sleep(for: grace)
            await self.lobby.closeAll()
        }
    }

    private func makeRealtimeEndpoint() async throws -> RealtimeEndpoint {
        let firstMatchID = UInt64(try await self.database.nextMatchID())
        let loop = self.eventLoopGroup.next()
        let logger = self.logger
        let server = try await loop.submit { NIOLoopBound(RealtimeServer(eventLoop: loop, logger: logger), eventLoop: loop) }.get()
        let channel = try await DatagramBootstrap(group: loop)
            .channelOption(.socketOption(.so_rcvbuf), value: 4 << 20)
            .channelOption(.socketOption(.so_sndbuf), value: 4 << 20)
            .channelOption(.datagramVectorReadMessageCount, value: 16)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 2048 * 16))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(server.value) }
            }
            .bind(host: self.configuration.host, port: self.configuration.udpPort)
            .get()
        let port = channel.localAddress?.port ?? self.configuration.udpPort
        if let link = self.configuration.impairment {
            let seed = self.configuration.impairmentSeed
            try await channel.eventLoop.submit {
                try channel.pipeline.syncOperations.addHandler(DatagramImpairmentHandler(link: link, side: .server, seed: seed), position: .first)
            }.get()
            self.logger.notice("realtime datagrams are impaired in process", metadata: ["network": "\(link.name)", "up": "\(link.upstream)", "down": "\(link.downstream)"])
        }
        let settings = self.configuration.match
        let lobby = self.lobby
        let recorder = self.recorder
        let director = try await loop.submit {
            MatchDirector(realtime: server.value, udpPort: port, settings: settings, firstMatchID: firstMatchID, lobby: lobby, recorder: recorder, logger: logger)
        }.get()
        await self.lobby.setMatchHost(director)
        self.logger.info("realtime listening", metadata: ["address": "\(self.configuration.host):\(port)", "transport": "udp"])
        return RealtimeEndpoint(channel: channel, server: server, director: director, port: port)
    }

    /// The realtime socket's totals: datagrams, bytes, drops by reason.
    func realtimeCounters() async throws -> RealtimeCounters {
        guard let realtime = self.state.withLockedValue({ $0.realtime }) else { return RealtimeCounters() }
        return try await realtime.channel.eventLoop.submit { realtime.server.value.counters }.get()
    }

    /// Logs a status line now and then: connections, matches, realtime traffic, drops and tick cost.
    private func reportStatus(every interval: Duration) async {
        let clock = ContinuousClock()
        var last = clock.now
        var previous = RealtimeCounters()
        while !self.state.withLockedValue({ $0.shutdownRequested }) {
            try? await Task.sleep(for: .seconds(1))
            guard clock.now - last >= interval, let realtime = self.state.withLockedValue({ $0.realtime }) else { continue }
            let elapsed = Double((clock.now - last).components.seconds) + Double((clock.now - last).components.attoseconds) / 1e18
            last = clock.now
            guard let (counters, ticks, matches, sessions) = try? await realtime.channel.eventLoop.submit({
                let server = realtime.server.value
                return (server.counters, server.takeTickCost(), server.matchCount, server.sessionCount)
            }).get() else { continue }
            let connections = await self.lobby.connectionCount
            self.logger.info("status", metadata: [
                "connections": "\(connections)",
                "matches": "\(matches)",
                "sessions": "\(sessions)",
                "udp_in_pps": "\(Int(Double(counters.datagramsReceived - previous.datagramsReceived) / elapsed))",
                "udp_out_pps": "\(Int(Double(counters.datagramsSent - previous.datagramsSent) / elapsed))",
                "dropped": "\(counters.drops.total - previous.drops.total)",
                "tick_p99_us": "\(ticks.totalCount > 0 ? ticks.valueAtPercentile(99) / 1000 : 0)",
                "ticks_skipped": "\(counters.skippedTicks - previous.skippedTicks)",
            ])
            previous = counters
        }
    }

    private func makeListener() async throws -> NIOAsyncChannel<AcceptedLobbyChannel, Never> {
        let configuration = self.configuration
        let lowWaterMark = min(64 * 1024, configuration.maximumQueuedBytes / 2)
        return try await ServerBootstrap(group: self.eventLoopGroup)
            .serverChannelOption(.backlog, value: configuration.listenBacklog)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.socketOption(.so_keepalive), value: 1)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: lowWaterMark, high: configuration.maximumQueuedBytes))
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .bind(host: configuration.host, port: configuration.tcpPort) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let idleTimeout = TimeAmount.nanoseconds(Int64(configuration.idleTimeout.components.seconds) * 1_000_000_000 + configuration.idleTimeout.components.attoseconds / 1_000_000_000)
                    let frameLimit = LobbyFrameLimit(afterLogin: configuration.maximumFrameSize)
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(LoginAwareFrameDecoder(limit: frameLimit)),
                        MessageToByteHandler(LobbyFrameEncoder()),
                        IdleStateHandler(readTimeout: idleTimeout),
                        IdleTimeoutHandler(timeout: configuration.idleTimeout),
                    ])
                    return AcceptedLobbyChannel(
                        channel: try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel),
                        frameLimit: frameLimit
                    )
                }
            }
    }
}
