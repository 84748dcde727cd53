import NIOConcurrencyHelpers
import NIOCore
import NetcodeProtocol

/// The largest frame one lobby connection may send right now: small until it logs in, the configured
/// maximum after. A client that never logs in can then hold only a small half-sent frame in memory, not a
/// full-size one per connection. Shared between the connection's decoder (event loop) and the lobby.
final class LobbyFrameLimit: Sendable {
    /// Enough for hello, register and login with the longest name and password the rules allow.
    static let beforeLogin = 1_024

    private let current: NIOLockedValueBox<Int>
    let afterLogin: Int

    init(afterLogin: Int) {
        self.afterLogin = afterLogin
        self.current = NIOLockedValueBox(min(Self.beforeLogin, afterLogin))
    }

    var value: Int { self.current.withLockedValue { $0 } }

    /// The connection logged in: full-size frames from now on.
    func raise() { self.current.withLockedValue { $0 = self.afterLogin } }
}

/// ``LobbyFrameDecoder``'s framing, with the limit read from a ``LobbyFrameLimit`` at each frame.
struct LoginAwareFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    let limit: LobbyFrameLimit

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try LobbyFrameDecoder(maximumFrameSize: self.limit.value).nextFrame(from: &buffer) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        try self.decode(context: context, buffer: &buffer)
    }
}
