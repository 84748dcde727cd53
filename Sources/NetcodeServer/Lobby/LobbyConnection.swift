import Logging
import NIOCore
import NetcodeProtocol

/// Serves one accepted lobby connection until it closes: reads frames, enforces the flood limit, decodes
/// messages and hands them to the lobby. Catches its own errors, so one bad client can't stop the server.
struct LobbyConnection {
    let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
    let frameLimit: LobbyFrameLimit
    let lobby: LobbyService
    let matchHost: (any MatchHosting)?
    let configuration: ServerConfiguration
    let logger: Logger

    func run() async {
        let address = self.channel.channel.remoteAddress?.ipAddress ?? "unknown"
        do {
            try await self.channel.executeThenClose { inbound, _ in
                let admission = await self.lobby.open(
                    channel: self.channel.channel, address: address, frameLimit: self.frameLimit,
                    maximumConnections: self.configuration.maximumConnections,
                    maximumPerAddress: self.configuration.maximumConnectionsPerAddress,
                    trustedAddresses: self.configuration.trustedAddresses
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
        var limiter = FrameRateLimiter(rate: self.configuration.framesPerSecond, burst: self.configuration.frameBurst)
        // Realtime frames skip the lobby's actor, so this connection remembers its own hello: before it,
        // a realtime frame goes to the lobby like any other message and is refused (PROTOCOL.md 1.3).
        var greeted = false
        for try await frame in inbound {
            guard limiter.allow(now: clock.now - origin) else {
                logger.warning("closing flooding lobby client", metadata: ["peer": "\(handle.address)"])
                try await self.finalError(.flooding, "more than \(self.configuration.framesPerSecond) frames per second; connection closed")
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
