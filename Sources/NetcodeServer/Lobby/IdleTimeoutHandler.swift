import NIOCore
import NetcodeProtocol

/// Turns `IdleStateHandler`'s read-idle event into an `idleTimeout` error frame, then closes.
final class IdleTimeoutHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let timeout: Duration

    init(timeout: Duration) {
        self.timeout = timeout
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        let message = ServerMessage.error(code: .idleTimeout, message: "nothing received for \(self.timeout); send ping to keep a connection open")
        var buffer = context.channel.allocator.buffer(capacity: 96)
        message.encode(into: &buffer)
        let channel = context.channel
        context.writeAndFlush(self.wrapOutboundOut(buffer)).whenComplete { _ in channel.close(promise: nil) }
    }
}
