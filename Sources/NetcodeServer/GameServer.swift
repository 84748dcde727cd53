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
    private let state = NIOLockedValueBox(RunState())
    /// Runs the matches; nil on a lobby-only server.
    let matchHost: (any MatchHosting)? = nil

    struct RunState {
        var listener: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>?
        var shutdownRequested = false
    }

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
            logger: logger
        )
        self.lobby = LobbyService(
            state: LobbyState(
                serverName: configuration.serverName,
                defaultTransport: configuration.defaultTransport,
                limits: configuration.lobbyLimits,
                maximumFrameSize: configuration.maximumFrameSize
            ),
            authenticator: authenticator,
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
        let listener = try await self.makeListener()
        self.state.withLockedValue { $0.listener = listener }
        let port = listener.channel.localAddress?.port ?? self.configuration.tcpPort
        self.logger.info("lobby listening", metadata: ["address": "\(self.configuration.host):\(port)", "transport": "tcp"])
        return port
    }

    public func run() async throws {
        try await self.bind()
        guard let listener = self.state.withLockedValue({ $0.listener }) else { return }
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                do {
                    try await listener.executeThenClose { inbound in
                        for try await connection in inbound {
                            group.addTask {
                                await LobbyConnection(channel: connection, lobby: self.lobby, matchHost: self.matchHost, configuration: self.configuration, logger: self.logger).run()
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
        self.logger.info("server stopped")
    }

    /// Starts a graceful shutdown: no new connections, `goingAway` to every client, then every socket
    /// closed. ``run()`` returns when that is done.
    public func shutdown() {
        let listener = self.state.withLockedValue { state -> NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>? in
            guard !state.shutdownRequested else { return nil }
            state.shutdownRequested = true
            return state.listener
        }
        guard let listener else { return }
        self.logger.info("shutting down: no new connections, telling clients")
        listener.channel.close(promise: nil)
        Task { await self.lobby.beginShutdown(reason: "the server is shutting down") }
    }

    private func makeListener() async throws -> NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never> {
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
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(LobbyFrameDecoder(maximumFrameSize: configuration.maximumFrameSize)),
                        MessageToByteHandler(LobbyFrameEncoder()),
                        IdleStateHandler(readTimeout: idleTimeout),
                        IdleTimeoutHandler(timeout: configuration.idleTimeout),
                    ])
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
    }
}
