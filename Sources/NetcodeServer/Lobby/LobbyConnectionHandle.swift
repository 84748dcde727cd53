import NIOCore
import NetcodeProtocol

/// Writes to one lobby connection from any thread. NIO's channel writes are thread-safe; the handle adds
/// the slow-consumer rule: a client whose unread output passes the channel's high water mark is not
/// queued for without bound, it is cut off.
struct LobbyConnectionHandle: Sendable {
    let id: ConnectionID
    let channel: any Channel
    /// The peer's IP address (no port), used to rate-limit failed logins.
    let address: String

    /// Encodes and sends one message. Returns false when the client is not reading fast enough; the
    /// caller then closes it.
    @discardableResult
    func send(_ message: ServerMessage) -> Bool {
        guard self.channel.isActive else { return true }
        guard self.channel.isWritable else { return false }
        var buffer = self.channel.allocator.buffer(capacity: 64)
        message.encode(into: &buffer)
        self.channel.writeAndFlush(buffer, promise: nil)
        return true
    }

    /// Sends `message` (if any) and closes once it has been written.
    func close(after message: ServerMessage?) {
        guard let message else {
            self.channel.close(promise: nil)
            return
        }
        var buffer = self.channel.allocator.buffer(capacity: 64)
        message.encode(into: &buffer)
        let channel = self.channel
        channel.writeAndFlush(buffer).whenComplete { _ in channel.close(promise: nil) }
    }
}
