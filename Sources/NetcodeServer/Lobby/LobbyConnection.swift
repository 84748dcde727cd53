import Logging
import NIOConcurrencyHelpers
import NIOCore
import NetcodeProtocol

/// Serves one accepted lobby connection's events (see ``LobbyConnectionHandler``): admits it, hands its
/// messages to the lobby, writes the error that ends it, and tells the lobby it closed. Catches its own
/// errors, so one bad client can't stop the server.
///
/// It holds only the few settings it reads: one of these lives as long as its connection, idle or not.
final class LobbyConnection: LobbyConnectionWorker {
    let channel: any Channel
    let frameLimit: LobbyFrameLimit
    let lobby: LobbyService
    let matchHost: (any MatchHosting)?
    let limits: Limits
    let logger: Logger
    /// Set by the open event; the queue handles one event at a time, the lock only makes that visible
    /// to the compiler.
    private let admission = NIOLockedValueBox(Admission.pending)

    private enum Admission {
        case pending
        case opened(LobbyConnectionHandle)
        case refused
    }

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

    init(channel: any Channel, frameLimit: LobbyFrameLimit, lobby: LobbyService, matchHost: (any MatchHosting)?, limits: Limits, logger: Logger) {
        self.channel = channel
        self.frameLimit = frameLimit
        self.lobby = lobby
        self.matchHost = matchHost
        self.limits = limits
        self.logger = logger
    }

    func handle(_ event: LobbyConnectionEvent) async {
        if case .open = event {
            await self.open()
            return
        }
        let handle: LobbyConnectionHandle? = self.admission.withLockedValue {
            if case .opened(let handle) = $0 { handle } else { nil }
        }
        switch event {
        case .open:
            break
        case .message(let message):
            guard let handle else { return }
            await self.lobby.received(message, from: handle.id)
        case .outOfRange(let field, let value):
            guard let handle else { return }
            await self.lobby.receivedOutOfRange(field: field, value: value, from: handle.id)
        case .realtime(let packet):
            guard let handle else { return }
            if let matchHost = self.matchHost {
                await matchHost.receivedRealtimeFrame(packet, from: handle.id)
            } else {
                await self.lobby.received(.realtime(packet), from: handle.id)
            }
        case .end(let ending):
            if let handle { await self.end(ending, handle: handle) }
            self.channel.close(promise: nil)
            try? await self.channel.closeFuture.get()
        }
    }

    func resumeReading() {
        self.channel.setOption(.autoRead, value: true).whenFailure { _ in }  // fails only once closed
    }

    /// Admission comes before any message; a refused connection gets `serverFull` and is closed.
    private func open() async {
        let address = self.channel.remoteAddress?.ipAddress ?? "unknown"
        let admission = await self.lobby.open(
            channel: self.channel, address: address, frameLimit: self.frameLimit,
            maximumConnections: self.limits.maximumConnections,
            maximumPerAddress: self.limits.maximumPerAddress,
            trustedAddresses: self.limits.trustedAddresses
        )
        switch admission {
        case .opened(let handle):
            self.admission.withLockedValue { $0 = .opened(handle) }
            self.logger(for: handle).debug("lobby connection opened", metadata: ["peer": "\(address)"])
        case .refused(let reason):
            self.admission.withLockedValue { $0 = .refused }
            try? await self.finalError(.serverFull, reason)
            self.channel.close(promise: nil)
        }
    }

    /// Writes the error the ending calls for (if any), then tells the lobby the connection is gone.
    private func end(_ ending: LobbyConnectionEnding, handle: LobbyConnectionHandle) async {
        let logger = self.logger(for: handle)
        switch ending {
        case .closed:
            break
        case .flooding:
            logger.warning("closing flooding lobby client", metadata: ["peer": "\(handle.address)"])
            try? await self.finalError(.flooding, "more than \(self.limits.framesPerSecond) frames per second; connection closed")
        case .badMessage(let error):
            let code: LobbyErrorCode
            if case .unknownMessageType = error { code = .unknownMessage } else { code = .malformedMessage }
            logger.info("closing lobby client after a bad message", metadata: ["error": "\(error)"])
            try? await self.finalError(code, "\(error)")
        case .badFrame(let error):
            logger.info("closing lobby client after a bad frame", metadata: ["error": "\(error)"])
            let untilLogin = self.frameLimit.value < self.frameLimit.afterLogin ? " (frames are limited to \(self.frameLimit.value) bytes until login)" : ""
            try? await self.finalError(.frameTooLarge, "\(error)\(untilLogin)")
        case .failed(let error):
            logger.debug("lobby connection ended with an error", metadata: ["error": "\(error)"])
        }
        await self.lobby.closed(handle.id)
        logger.debug("lobby connection closed")
    }

    /// The server's logger with this connection's id, made only when something is logged.
    private func logger(for handle: LobbyConnectionHandle) -> Logger {
        var logger = self.logger
        logger[metadataKey: "connection"] = "\(handle.id)"
        return logger
    }

    /// Writes an error that ends the connection and waits until it is on the wire; the channel closes
    /// after.
    private func finalError(_ code: LobbyErrorCode, _ text: String) async throws {
        var buffer = self.channel.allocator.buffer(capacity: 64)
        ServerMessage.error(code: code, message: text).encode(into: &buffer)
        try await self.channel.writeAndFlush(buffer)
    }
}
