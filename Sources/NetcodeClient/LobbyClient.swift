import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NetcodeProtocol

/// Errors a lobby client reports.
public enum LobbyClientError: Error, CustomStringConvertible, Equatable {
    case connectionClosed
    case timedOut(waitingFor: String)
    case unexpected(ServerMessage, waitingFor: String)
    case server(code: LobbyErrorCode, message: String)

    public var description: String {
        switch self {
        case .connectionClosed: return "the server closed the lobby connection"
        case .timedOut(let what): return "timed out waiting for \(what)"
        case .unexpected(let message, let what): return "expected \(what), got \(message)"
        case .server(let code, let message): return "server error \(code) (\(code.rawValue)): \(message)"
        }
    }
}

/// A client of the TCP lobby, written from docs/PROTOCOL.md: frames out, decoded server messages in.
///
/// Messages arrive in order through ``next(timeout:)``; helpers such as ``expect(_:timeout:where:)`` skip
/// pushes the caller isn't waiting for (room states, chat) only when asked to.
public actor LobbyClient {
    public nonisolated let channel: any Channel
    private let inbox: Mailbox<ServerMessage>
    private nonisolated let realtimeSink: NIOLockedValueBox<(@Sendable (ByteBuffer) -> Void)?>

    init(channel: any Channel, inbox: Mailbox<ServerMessage>, realtimeSink: NIOLockedValueBox<(@Sendable (ByteBuffer) -> Void)?>) {
        self.channel = channel
        self.inbox = inbox
        self.realtimeSink = realtimeSink
    }

    /// Connects to a lobby. The connection has TCP_NODELAY set (unless `noDelay` is false, to let Nagle's
    /// algorithm be measured) and keepalive on.
    public static func connect(
        host: String,
        port: Int,
        noDelay: Bool = true,
        maximumFrameSize: Int = LobbyFraming.defaultMaximumFrameSize,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> LobbyClient {
        let inbox = Mailbox<ServerMessage>()
        let sink = NIOLockedValueBox<(@Sendable (ByteBuffer) -> Void)?>(nil)
        let channel = try await ClientBootstrap(group: eventLoopGroup)
            .channelOption(.tcpOption(.tcp_nodelay), value: noDelay ? 1 : 0)
            .channelOption(.socketOption(.so_keepalive), value: 1)
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(LobbyFrameDecoder(maximumFrameSize: maximumFrameSize)),
                        MessageToByteHandler(ClientFrameEncoder()),
                        ServerMessageStreamHandler(inbox: inbox, realtimeSink: sink),
                    ])
                }
            }
            .connect(host: host, port: port)
            .get()
        return LobbyClient(channel: channel, inbox: inbox, realtimeSink: sink)
    }

    /// Routes `realtime` frames to `sink` (called on the connection's event loop) instead of the inbox;
    /// nil routes them to the inbox again.
    public nonisolated func setRealtimeSink(_ sink: (@Sendable (ByteBuffer) -> Void)?) {
        self.realtimeSink.withLockedValue { $0 = sink }
    }

    /// Sends a ping every `interval` until the connection closes, so the server's idle timeout never
    /// fires while the client is busy elsewhere (a UDP match). Pongs are skipped by ``expect``.
    public nonisolated func keepAlive(every interval: TimeAmount) {
        let channel = self.channel
        let task = channel.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { task in
            guard channel.isActive else {
                task.cancel()
                return
            }
            var buffer = channel.allocator.buffer(capacity: 16)
            ClientMessage.ping(nonce: 0).encode(into: &buffer)
            channel.writeAndFlush(ClientOutbound.frame(buffer), promise: nil)
        }
        channel.closeFuture.whenComplete { _ in task.cancel() }
    }

    /// Sends one message and waits until it has been written to the socket.
    public func send(_ message: ClientMessage) async throws {
        var buffer = self.channel.allocator.buffer(capacity: 64)
        message.encode(into: &buffer)
        try await self.channel.writeAndFlush(ClientOutbound.frame(buffer)).get()
    }

    /// Sends a realtime packet in a frame without waiting for the write (the realtime path).
    public nonisolated func sendRealtime(_ packet: ByteBuffer) {
        var buffer = self.channel.allocator.buffer(capacity: packet.readableBytes + 1)
        ClientMessage.realtime(packet).encode(into: &buffer)
        self.channel.writeAndFlush(ClientOutbound.frame(buffer), promise: nil)
    }

    /// Writes raw bytes to the socket, bypassing framing (for tests of malformed input).
    public func sendRawBytes(_ bytes: [UInt8]) async throws {
        try await self.channel.writeAndFlush(ClientOutbound.raw(self.channel.allocator.buffer(bytes: bytes))).get()
    }

    /// The next message from the server, or nil once the connection has closed.
    public func next(timeout: Duration = .seconds(10)) async throws -> ServerMessage? {
        let nanoseconds = Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        return try await self.inbox.next(
            timeout: .nanoseconds(nanoseconds),
            on: self.channel.eventLoop,
            timeoutError: LobbyClientError.timedOut(waitingFor: "a message from the server")
        )
    }

    /// Waits up to `timeout` in all for a message matching `description`'s predicate; skips room-state and
    /// chat pushes on the way when `skipPushes` is set, and turns a server error into
    /// ``LobbyClientError/server(code:message:)``. The timeout is for the whole wait, not for each message:
    /// pushes (a keep-alive's pongs, room updates) must not keep a wait for something that never comes
    /// going forever.
    public func expect<T: Sendable>(
        _ description: String,
        timeout: Duration = .seconds(10),
        skipPushes: Bool = true,
        where match: (ServerMessage) -> T?
    ) async throws -> T {
        let deadline = ContinuousClock.now + timeout
        while true {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { throw LobbyClientError.timedOut(waitingFor: description) }
            guard let message = try await self.next(timeout: left) else { throw LobbyClientError.connectionClosed }
            if let value = match(message) { return value }
            if case .error(let code, let text) = message { throw LobbyClientError.server(code: code, message: text) }
            if skipPushes, message.isPush { continue }
            throw LobbyClientError.unexpected(message, waitingFor: description)
        }
    }

    public func close() async {
        try? await self.channel.close()
    }
}

extension ServerMessage {
    /// Messages the server sends without being asked (room activity).
    var isPush: Bool {
        switch self {
        case .roomState, .chatMessage, .matchEnded, .realtime, .pong: return true
        default: return false
        }
    }
}

/// What the client writes: a frame payload (length-prefixed on the way out) or raw bytes (tests of
/// malformed input).
enum ClientOutbound: Sendable {
    case frame(ByteBuffer)
    case raw(ByteBuffer)
}

struct ClientFrameEncoder: MessageToByteEncoder {
    typealias OutboundIn = ClientOutbound

    func encode(data: ClientOutbound, out: inout ByteBuffer) throws {
        switch data {
        case .frame(let payload): try LobbyFrameEncoder().encode(data: payload, out: &out)
        case .raw(let bytes): out.writeImmutableBuffer(bytes)
        }
    }
}

/// Decodes frames into server messages and yields them to the client's stream.
final class ServerMessageStreamHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let inbox: Mailbox<ServerMessage>
    private let realtimeSink: NIOLockedValueBox<(@Sendable (ByteBuffer) -> Void)?>

    init(inbox: Mailbox<ServerMessage>, realtimeSink: NIOLockedValueBox<(@Sendable (ByteBuffer) -> Void)?>) {
        self.inbox = inbox
        self.realtimeSink = realtimeSink
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        do {
            let message = try ServerMessage(decoding: self.unwrapInboundIn(data))
            if case .realtime(let packet) = message, let sink = self.realtimeSink.withLockedValue({ $0 }) {
                sink(packet)
            } else {
                self.inbox.push(message)
            }
        } catch {
            self.inbox.finish(throwing: error)
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.inbox.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.inbox.finish(throwing: error)
        context.close(promise: nil)
    }
}
