import DatagramBatch
import Histogram
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
    /// The server's Prometheus registry, served at `/metrics` when `metricsPort` is set.
    public let metrics: ServerMetrics
    let state = NIOLockedValueBox(RunState())
    let startedAt = ContinuousClock.now
    /// The LAN discovery responder while it runs (``GameServer/startDiscovery()``).
    let discoveryResponder = NIOLockedValueBox<DiscoveryResponder?>(nil)
    /// Every open lobby connection and every task handling one's messages: ``run()`` returns only once
    /// none is left.
    let connectionWork = TaskTracker()
    /// The server's own tasks outside ``run()``'s task group: the shutdown grace timer, a drain's wait,
    /// the admin socket's delayed shutdown. ``run()`` cancels the timers and waits for all of them.
    let chores = TaskTracker()

    struct RunState {
        var listener: (any Channel)?
        var realtime: RealtimeEndpoint?
        var shutdownRequested = false
        var admin: AdminSocket?
        var probes: ProbeServer?
        /// A drain is under way (`netcode admin drain`).
        var draining = false
        /// When the status loop last measured every shard: `/healthz` says the loops turn while it is
        /// recent.
        var heartbeat: ContinuousClock.Instant?
    }

    /// The realtime shards (each a bound UDP socket on its own event loop) and the director in front.
    struct RealtimeEndpoint: Sendable {
        var group: MultiThreadedEventLoopGroup
        var channels: [any Channel]
        var director: MatchDirector
        var ports: [Int]
    }

    /// The first realtime (UDP) shard's port, once bound.
    public var udpPort: Int? { self.state.withLockedValue { $0.realtime?.ports.first } }

    /// Every realtime shard's UDP port, in shard order, once bound.
    public var udpPorts: [Int] { self.state.withLockedValue { $0.realtime?.ports ?? [] } }
    /// The lobby's bound port, once bound.
    public var tcpPort: Int? { self.state.withLockedValue { $0.listener?.localAddress?.port } }
    var isShuttingDown: Bool { self.state.withLockedValue { $0.shutdownRequested } }

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
        let metrics = ServerMetrics()
        self.metrics = metrics
        self.recorder = ResultRecorder(database: database, logger: logger, metrics: metrics)
        self.lobby = LobbyService(
            state: LobbyState(
                serverName: configuration.serverName,
                defaultTransport: configuration.defaultTransport,
                limits: configuration.lobbyLimits,
                maximumFrameSize: configuration.maximumFrameSize,
                holdsSeats: configuration.reconnectGrace > .zero
            ),
            authenticator: authenticator,
            maximumRoomsPerAddress: configuration.maximumRoomsPerAddress,
            trustedAddresses: configuration.trustedAddresses,
            reconnectGrace: configuration.reconnectGrace,
            metrics: metrics,
            logger: logger
        )
    }

    /// Binds the lobby listener (if not yet bound) and returns its port; lets tests bind port 0 and learn
    /// the port before ``run()``.
    @discardableResult
    public func bind() async throws -> Int {
        if let listener = self.state.withLockedValue({ $0.listener }) {
            return listener.localAddress?.port ?? self.configuration.tcpPort
        }
        // The admin socket first: a second server pointed at a live one's socket stops before it binds
        // anything else.
        let admin = try await self.makeAdminSocket()
        let realtime: RealtimeEndpoint
        let listener: any Channel
        let probes: ProbeServer?
        do {
            realtime = try await self.makeRealtimeEndpoint()
            listener = try await self.makeListener(matchHost: realtime.director)
            probes = try await self.makeProbeServer()
        } catch {
            await admin?.abandon()
            throw error
        }
        self.state.withLockedValue {
            $0.listener = listener
            $0.realtime = realtime
            $0.admin = admin
            $0.probes = probes
        }
        let port = listener.localAddress?.port ?? self.configuration.tcpPort
        self.logger.info("lobby listening", metadata: ["address": "\(self.configuration.host):\(port)", "transport": "tcp"])
        await self.startDiscovery()
        return port
    }

    public func run() async throws {
        try await self.bind()
        guard let (listener, realtime) = self.state.withLockedValue({ state in state.listener.flatMap { l in state.realtime.map { (l, $0) } } }) else { return }
        let discovery = self.discoveryResponder.withLockedValue { $0 }
        let admin = self.state.withLockedValue { $0.admin }
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.reportStatus(every: .seconds(10)) }
                group.addTask { await discovery?.run() }
                if let admin { group.addTask { await admin.run() } }
                // Connections are served by their channel handlers (LobbyConnectionHandler), not by a
                // task each. The listener closes on shutdown; then every connection is waited for.
                do {
                    try await listener.closeFuture.get()
                } catch {
                    self.logger.error("lobby listener failed", metadata: ["error": "\(error)"])
                }
                await self.connectionWork.wait()
            }
        } onGracefulShutdown: {
            self.shutdown()
        }
        // Every connection is closed; what the lobby and the server still have under way ends or is
        // finished, and results of matches that ended are still being written.
        await self.finishTasks(director: realtime.director)
        await self.recorder.drain()
        await self.state.withLockedValue({ $0.probes })?.close()
        for channel in realtime.channels { try? await channel.close() }
        try? await realtime.group.shutdownGracefully()
        await self.lobby.clearMatchHost()
        self.logger.info("server stopped")
    }

    /// Starts a graceful shutdown: no new connections, `goingAway` to every client, then every socket
    /// closed. ``run()`` returns when that is done.
    public func shutdown() {
        let listener = self.state.withLockedValue { state -> (any Channel)? in
            guard !state.shutdownRequested else { return nil }
            state.shutdownRequested = true
            return state.listener
        }
        guard let listener else { return }
        self.discoveryResponder.withLockedValue { $0 }?.close()
        self.logger.info("shutting down: no new connections, telling clients")
        listener.close(promise: nil)
        self.state.withLockedValue { $0.admin }?.close()
        if let realtime = self.state.withLockedValue({ $0.realtime }) {
            for handle in realtime.director.shards {
                handle.eventLoop.execute { handle.shard.value.abandonAll() }
            }
        }
        let grace = self.configuration.shutdownGracePeriod
        // A timer: once every connection has closed on its own, run() cancels the rest of the grace.
        self.chores.spawn(.timer) {
            await self.lobby.beginShutdown(reason: "the server is shutting down")
            // Clients that don't close after goingAway are closed for them.
            try? await Task.sleep(for: grace)
            await self.lobby.closeAll()
        }
    }

    /// Ends every task the server and the lobby started (timers are cancelled: a held seat is given up,
    /// a match waiting for capacity never starts; work such as a password check or a hand-off to a match
    /// finishes), then waits for the result writes of matches that ended. Any of these may start
    /// another (a given-up seat tells its match, a match that ends then writes its result), so it goes
    /// round until all three are idle.
    func finishTasks(director: MatchDirector) async {
        self.chores.cancelTimers()
        self.lobby.tasks.cancelTimers()
        repeat {
            await self.chores.wait()
            await self.lobby.tasks.wait()
            await director.results.wait()
        } while self.chores.running + self.lobby.tasks.running + director.results.running > 0
    }

    private func makeRealtimeEndpoint() async throws -> RealtimeEndpoint {
        let firstMatchID = UInt64(try await self.database.nextMatchID())
        let count = self.configuration.realtimeShards
        let group = MultiThreadedEventLoopGroup(numberOfThreads: count)
        let logger = self.logger
        let tickRate = self.configuration.match.tickRate
        var handles: [MatchDirector.ShardHandle] = []
        var channels: [any Channel] = []
        do {
            for (index, loop) in group.makeIterator().enumerated() {
                let shard = try await loop.submit { NIOLoopBound(RealtimeShard(index: index, of: count, eventLoop: loop, tickRate: tickRate, logger: logger), eventLoop: loop) }.get()
                // Shard i binds the configured port + i (or any free port when the configured one is 0).
                let port = self.configuration.udpPort == 0 ? 0 : self.configuration.udpPort + index
                let channel = try await self.bindShard(shard, on: loop, port: port, index: index)
                channels.append(channel)
                handles.append(MatchDirector.ShardHandle(shard: shard, eventLoop: loop, udpPort: channel.localAddress?.port ?? port))
            }
        } catch {
            for channel in channels { try? await channel.close() }
            try? await group.shutdownGracefully()
            throw error
        }
        let director = try await MatchDirector(
            shards: handles, settings: self.configuration.match, tickBudget: self.configuration.tickBudget,
            firstMatchID: firstMatchID, lobby: self.lobby, recorder: self.recorder, logger: logger
        )
        await self.lobby.setMatchHost(director)
        let ports = handles.map(\.udpPort)
        self.logger.info("realtime listening", metadata: [
            "address": "\(self.configuration.host)", "ports": "\(ports.map(String.init).joined(separator: ","))",
            "shards": "\(count)", "transport": "udp",
        ])
        return RealtimeEndpoint(group: group, channels: channels, director: director, ports: ports)
    }

    private func bindShard(_ shard: NIOLoopBound<RealtimeShard>, on loop: any EventLoop, port: Int, index: Int) async throws -> any Channel {
        // The shard opens its socket itself, so that it can read and send on it in batches (RealtimeShard.directSocket).
        let address = try SocketAddress.makeAddressResolvingHost(self.configuration.host, port: port)
        let descriptor = try DatagramBatch.openSocket(boundTo: address, receiveBuffer: 4 << 20, sendBuffer: 4 << 20)
        // From here the channel owns the descriptor (and closes it, also when this fails). Without an
        // in-process impairment the shard reads the socket itself after the channel's first datagram of
        // each readable turn (RealtimeShard.directSocket); with one, the channel reads everything, 64 per
        // recvmmsg, so that the impairment sees every datagram.
        let direct = self.configuration.impairment == nil
        let channel = try await DatagramBootstrap(group: loop)
            .channelOption(.datagramVectorReadMessageCount, value: direct ? 1 : 64)
            .channelOption(.maxMessagesPerRead, value: direct ? UInt(1) : UInt(4))
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 2048 * (direct ? 1 : 64)))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(shard.value) }
            }
            .withBoundSocket(descriptor)
            .get()
        if direct {
            try await loop.submit { shard.value.directSocket = descriptor }.get()
        }
        if let link = self.configuration.impairment {
            // Each shard's link gets its own seed stream, so two shards never draw the same losses.
            let seed = self.configuration.impairmentSeed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15
            try await channel.eventLoop.submit {
                try channel.pipeline.syncOperations.addHandler(DatagramImpairmentHandler(link: link, side: .server, seed: seed), position: .first)
            }.get()
            if index == 0 {
                self.logger.notice("realtime datagrams are impaired in process", metadata: ["network": "\(link.name)", "up": "\(link.upstream)", "down": "\(link.downstream)"])
            }
        }
        return channel
    }

    /// The realtime shards' totals together: datagrams, bytes, drops by reason.
    func realtimeCounters() async throws -> RealtimeCounters {
        guard let realtime = self.state.withLockedValue({ $0.realtime }) else { return RealtimeCounters() }
        var total = RealtimeCounters()
        for handle in realtime.director.shards {
            let shard = handle.shard
            total = total + (try await handle.eventLoop.submit { shard.value.counters }.get())
        }
        return total
    }

    /// Measures every shard's load each second (placement of new matches uses it) and logs a status
    /// line now and then: connections, matches, realtime traffic, drops (ours and the kernel's), tick
    /// cost and how busy each shard is.
    private func reportStatus(every interval: Duration) async {
        let clock = ContinuousClock()
        var last = clock.now
        var previous = RealtimeCounters()
        var previousKernelDrops: UInt64?
        var ticks = Histogram<UInt64>(highestTrackableValue: 10_000_000_000, numberOfSignificantValueDigits: .two)
        while !self.state.withLockedValue({ $0.shutdownRequested }) {
            do {
                try await Task.sleep(for: .seconds(1))
            } catch {
                return  // cancelled: the server is stopping
            }
            guard let realtime = self.state.withLockedValue({ $0.realtime }) else { continue }
            let loads = await realtime.director.measureLoads()
            // Once a second: the shards' totals and tick costs go to the metrics (never per datagram).
            var counters = RealtimeCounters()
            for handle in realtime.director.shards {
                let shard = handle.shard
                guard let (shardCounters, shardTicks) = try? await handle.eventLoop.submit({
                    (shard.value.counters, shard.value.takeTickCost())
                }).get() else { continue }
                counters = counters + shardCounters
                ticks.add(shardTicks)
                self.metrics.recordTickCosts(shardTicks)
            }
            let kernelDrops = SocketDropCounter.drops(ports: Set(realtime.ports))
            await self.publishGauges(loads: loads, counters: counters, kernelDrops: kernelDrops)
            self.state.withLockedValue { $0.heartbeat = clock.now }
            guard clock.now - last >= interval else { continue }
            let elapsed = Double((clock.now - last).components.seconds) + Double((clock.now - last).components.attoseconds) / 1e18
            last = clock.now
            defer { ticks.reset() }
            let connections = await self.lobby.connectionCount
            self.logger.info("status", metadata: [
                "connections": "\(connections)",
                "matches": "\(loads.map(\.matches).reduce(0, +))",
                "sessions": "\(loads.map(\.players).reduce(0, +))",
                "udp_in_pps": "\(Int(Double(counters.datagramsReceived - previous.datagramsReceived) / elapsed))",
                "udp_out_pps": "\(Int(Double(counters.datagramsSent - previous.datagramsSent) / elapsed))",
                "dropped": "\(counters.drops.total - previous.drops.total)",
                "rcvbuf_drops": "\(kernelDrops.map { k in "\(k - min(previousKernelDrops ?? k, k))" } ?? "n/a")",
                "tick_p99_us": "\(ticks.totalCount > 0 ? ticks.valueAtPercentile(99) / 1000 : 0)",
                "ticks_skipped": "\(counters.skippedTicks - previous.skippedTicks)",
                "shard_busy_pct": "\(loads.map { String(Int(($0.busy * 100).rounded())) }.joined(separator: ","))",
            ])
            previous = counters
            previousKernelDrops = kernelDrops
        }
    }

    private func makeListener(matchHost: any MatchHosting) async throws -> any Channel {
        let configuration = self.configuration
        let lowWaterMark = min(64 * 1024, configuration.maximumQueuedBytes / 2)
        let (lobby, logger, tracker) = (self.lobby, self.logger, self.connectionWork)
        let limits = LobbyConnection.Limits(configuration)
        return try await ServerBootstrap(group: self.eventLoopGroup)
            .serverChannelOption(.backlog, value: configuration.listenBacklog)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // A client's FIN ends only its direction: frames sent just before it still get their answers.
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: configuration.tcpNoDelay ? 1 : 0)
            .childChannelOption(.socketOption(.so_keepalive), value: 1)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: lowWaterMark, high: configuration.maximumQueuedBytes))
            .childChannelOption(.maxMessagesPerRead, value: 16)
            // Lobby frames are small: start each read at 256 bytes (the default 2 KiB buffer per read,
            // kept while a frame is incomplete, was most of a connected player's memory).
            .childChannelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 256, maximum: 65536))
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let idleTimeout = TimeAmount.nanoseconds(Int64(configuration.idleTimeout.components.seconds) * 1_000_000_000 + configuration.idleTimeout.components.attoseconds / 1_000_000_000)
                    let frameLimit = LobbyFrameLimit(afterLogin: configuration.maximumFrameSize)
                    let connection = LobbyConnection(channel: channel, frameLimit: frameLimit, lobby: lobby, matchHost: matchHost, limits: limits, logger: logger)
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(LoginAwareFrameDecoder(limit: frameLimit)),
                        MessageToByteHandler(LobbyFrameEncoder()),
                        IdleStateHandler(readTimeout: idleTimeout),
                        IdleTimeoutHandler(timeout: configuration.idleTimeout),
                        LobbyConnectionHandler(
                            queue: LobbyConnectionQueue(worker: connection, tracker: tracker),
                            framesPerSecond: limits.framesPerSecond, frameBurst: limits.frameBurst
                        ),
                    ])
                }
            }
            .bind(host: configuration.host, port: configuration.tcpPort)
            .get()
    }
}
