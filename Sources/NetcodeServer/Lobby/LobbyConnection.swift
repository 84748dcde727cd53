import Logging
import NIOCore
import NetcodeProtocol

/// Serves one accepted lobby connection until it closes: reads frames, enforces the flood limit, decodes
/// messages and hands them to the lobby. Catches its own errors, so one bad client can't stop the server.
struct LobbyConnection {
    let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
    let lobby: LobbyService
    let configuration: ServerConfiguration
    let logger: Logger
    let clock = ContinuousClock()

    func run() async {
        let address = self.channel.channel.remoteAddress?.ipAddress ?? "unknown"
        guard let handle = await self.lobby.open(channel: self.channel.channel, address: address, maximumConnections: self.configuration.maximumConnections) else {
            let refusal = LobbyConnectionHandle(id: 0, channel: self.channel.channel, address: address)
            refusal.close(after: .error(code: .serverFull, message: "the server is full (\(self.configuration.maximumConnections) connections); try again later"))
            return
        }
        var logger = self.logger
        logger[metadataKey: "connection"] = "\(handle.id)"
        logger.debug("lobby connection opened", metadata: ["peer": "\(address)"])

        var limiter = FrameRateLimiter(rate: self.configuration.framesPerSecond, burst: self.configuration.frameBurst)
        let origin = self.clock.now
        do {
            try await self.channel.executeThenClose { inbound, _ in
                for try await frame in inbound {
                    guard limiter.allow(now: self.clock.now - origin) else {
                        logger.warning("closing flooding lobby client", metadata: ["peer": "\(address)"])
                        handle.close(after: .error(code: .flooding, message: "more than \(self.configuration.framesPerSecond) frames per second; connection closed"))
                        break
                    }
                    let message: ClientMessage
                    do {
                        message = try ClientMessage(decoding: frame)
                    } catch let error as LobbyDecodingError {
                        let code: LobbyErrorCode
                        if case .unknownMessageType = error { code = .unknownMessage } else { code = .malformedMessage }
                        logger.info("closing lobby client after a bad message", metadata: ["error": "\(error)"])
                        handle.close(after: .error(code: code, message: "\(error)"))
                        break
                    }
                    await self.lobby.received(message, from: handle.id)
                }
            }
        } catch let error as LobbyFrameError {
            logger.info("closing lobby client after a bad frame", metadata: ["error": "\(error)"])
            handle.close(after: .error(code: .frameTooLarge, message: "\(error)"))
        } catch {
            logger.debug("lobby connection ended with an error", metadata: ["error": "\(error)"])
            handle.close(after: nil)
        }
        await self.lobby.closed(handle.id)
        logger.debug("lobby connection closed")
    }
}
