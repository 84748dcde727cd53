import NIOCore
import NetcodeProtocol

/// The end of a lobby connection's pipeline: applies the connection's rules to each frame on the event
/// loop (the flood limit, decoding, realtime frames only after hello) and queues what comes out for the
/// connection's worker.
///
/// No task waits on the socket: an idle connection is this handler, its queue and its worker, a few
/// hundred bytes, where a task per connection kept about 7.7 KiB of async stack (measured at 1,000
/// players). The queue starts a task only while there are events to handle.
final class LobbyConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let queue: LobbyConnectionQueue
    private var limiter: FrameRateLimiter
    private let origin = NIODeadline.now()
    /// Realtime frames skip the lobby's actor, so this connection remembers its own hello: before it, a
    /// realtime frame goes to the lobby like any other message and is refused (PROTOCOL.md 1.3).
    private var greeted = false
    /// The open was queued (the channel went active): an end must follow it, exactly once.
    private var opened = false
    /// The end was queued: nothing after it counts.
    private var ended = false

    init(queue: LobbyConnectionQueue, framesPerSecond: Int, frameBurst: Int) {
        self.queue = queue
        self.limiter = FrameRateLimiter(rate: framesPerSecond, burst: frameBurst)
    }

    func channelActive(context: ChannelHandlerContext) {
        self.opened = true
        self.enqueue(.open, context: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !self.ended else { return }
        let frame = Self.unwrapInboundIn(data)
        guard self.limiter.allow(now: .nanoseconds((NIODeadline.now() - self.origin).nanoseconds)) else {
            self.end(.flooding, context: context)
            return
        }
        let message: ClientMessage
        do {
            message = try ClientMessage(decoding: frame)
        } catch LobbyDecodingError.outOfRange(let field, let value) {
            // The frame stream is intact: only this message is refused.
            self.enqueue(.outOfRange(field: field, value: value), context: context)
            return
        } catch let error as LobbyDecodingError {
            self.end(.badMessage(error), context: context)
            return
        } catch {
            self.end(.failed(error), context: context)
            return
        }
        if case .hello = message { self.greeted = true }
        if self.greeted, case .realtime(let packet) = message {
            self.enqueue(.realtime(packet), context: context)
        } else {
            self.enqueue(.message(message), context: context)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // With remote half-closure allowed, the client's FIN ends only its direction: what it sent before
        // is still answered, then the connection closes.
        if let event = event as? ChannelEvent, event == .inputClosed {
            self.end(.closed, context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.end(.closed, context: context)
        context.fireChannelInactive()
    }

    /// The decoder's errors (a frame too large or empty) and the channel's own end here, as the
    /// connection's end; the worker writes the error the client should see.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? LobbyFrameError {
            self.end(.badFrame(error), context: context)
        } else {
            self.end(.failed(error), context: context)
        }
    }

    private func end(_ ending: LobbyConnectionEnding, context: ChannelHandlerContext) {
        guard self.opened, !self.ended else { return }
        self.ended = true
        self.enqueue(.end(ending), context: context)
    }

    private func enqueue(_ event: LobbyConnectionEvent, context: ChannelHandlerContext) {
        guard self.queue.append(event) else { return }
        // Too many events wait: the worker turns reading back on once the backlog has drained.
        try? context.channel.syncOptions?.setOption(.autoRead, value: false)
    }
}
