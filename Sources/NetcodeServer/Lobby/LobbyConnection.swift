import Logging
import NIOCore
import NetcodeProtocol

/// Serves one accepted lobby connection until it closes: reads frames, enforces the flood limit, decodes
/// messages and hands them to the lobby. Catches its own errors, so one bad client can't stop the server.
///
/// A class holding only the few settings it reads: every suspended async frame of the connection's task
/// keeps a copy of `self`, and with the whole ``ServerConfiguration`` inline those frames cost about
/// 11 KiB per idle connection (measured with heaptrack at 1,000 players).
final class LobbyConnection: Sendable {
    let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
    let frameLimit: LobbyFrameLimit
    let lobby: LobbyService
    let matchHost: (any MatchHosting)?
    let limits: Limits
    let logger: Logger

    /// The settings a connection reads.
    struct Limits: Sendable {
        var maximumConnections: Int
        var maximumPerAddress: Int
        var trustedAddresses: Set<String>
        var framesPerSecond: Int
        var frameBurst: Int

        init(_ configuration: ServerConfiguration) {
            self.maximumConnections = configuration.maximumConnections
            self.maximumPerAddress = configuration.maximumConnectionsPerAddress
            self.trustedAddresses = configuration.trustedAddresses
            self.framesPerSecond = configuration.framesPerSecond
            self.frameBurst = configuration.frameBurst
        }
    }

    init(channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>, frameLimit: LobbyFrameLimit, lobby: LobbyService, matchHost: (any MatchHosting)?, limits: Limits, logger: Logger) {
        self.channel = channel
        self.frameLimit = frameLimit
        self.lobby = lobby
        self.matchHost = matchHost
        self.limits = limits
        self.logger = logger
    }

    func run() async {
        let address = self.channel.channel.remoteAddress?.ipAddress ?? "unknown"
        do {
            try await self.channel.executeThenClose { inbound, _ in
                let admission = await self.lobby.open(
                    channel: self.channel.channel, address: address, frameLimit: self.frameLimit,
                    maximumConnections: self.limits.maximumConnections,
                    maximumPerAddress: self.limits.maximumPerAddress,
                    trustedAddresses: self.limits.trustedAddresses
                )
                guard case .opened(let handle) = admission else {
                    if case .refused(let reason) = admission { try await self.finalError(.serverFull, reason) }
                    return
                }
                var logger = self.logger
                logger[metadataKey: "connection"] = "\(handle.id)"
                logger.debug("lobby connection opened", metadata: ["peer": "\(address)"])
                defer { logger.debug("lobby connection closed") }
                do {
                    try await self.serve(inbound, handle: handle, logger: logger)
                } catch let error as LobbyFrameError {
                    logger.info("closing lobby client after a bad frame", metadata: ["error": "\(error)"])
                    let untilLogin = self.frameLimit.value < self.frameLimit.afterLogin ? " (frames are limited to \(self.frameLimit.value) bytes until login)" : ""
                    try? await self.finalError(.frameTooLarge, "\(error)\(untilLogin)")
                } catch {
                    logger.debug("lobby connection ended with an error", metadata: ["error": "\(error)"])
                }
                await self.lobby.closed(handle.id)
            }
        } catch {
            self.logger.debug("lobby connection failed", metadata: ["error": "\(error)"])
        }
    }

    private func serve(_ inbound: NIOAsyncChannelInboundStream<ByteBuffer>, handle: LobbyConnectionHandle, logger: Logger) async throws {
        let clock = ContinuousClock()
        let origin = clock.now
        var limiter = FrameRateLimiter(rate: self.limits.framesPerSecond, burst: self.limits.frameBurst)
        // Realtime frames skip the lobby's actor, so this connection remembers its own hello: before it,
        // a realtime frame goes to the lobby like any other message and is refused (PROTOCOL.md 1.3).
        var greeted = false
        for try await frame in inbound {
            guard limiter.allow(now: clock.now - origin) else {
                logger.warning("closing flooding lobby client", metadata: ["peer": "\(handle.address)"])
                try await self.finalError(.flooding, "more than \(self.limits.framesPerSecond) frames per second; connection closed")
                return
            }
            let message: ClientMessage
            do {
                message = try ClientMessage(decoding: frame)
            } catch LobbyDecodingError.outOfRange(let field, let value) {
                // A whole message with an enum out of range: the frame stream is intact, so only the
                // message is refused (PROTOCOL.md 1.2).
                await self.lobby.receivedOutOfRange(field: field, value: value, from: handle.id)
                continue
            } catch let error as LobbyDecodingError {
                let code: LobbyErrorCode
                if case .unknownMessageType = error { code = .unknownMessage } else { code = .malformedMessage }
                logger.info("closing lobby client after a bad message", metadata: ["error": "\(error)"])
                try await self.finalError(code, "\(error)")
                return
            }
            if case .hello = message { greeted = true }
            if greeted, case .realtime(let packet) = message, let matchHost = self.matchHost {
                await matchHost.receivedRealtimeFrame(packet, from: handle.id)
                continue
            }
            await self.lobby.received(message, from: handle.id)
        }
    }

    /// Writes an error that ends the connection and waits until it is on the wire; the channel closes
    /// when the caller returns.
    private func finalError(_ code: LobbyErrorCode, _ text: String) async throws {
        var buffer = self.channel.channel.allocator.buffer(capacity: 64)
        ServerMessage.error(code: code, message: text).encode(into: &buffer)
        try await self.channel.channel.writeAndFlush(buffer)
    }
}
