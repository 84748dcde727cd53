import NIOCore
import SeededRandom

/// Impairs a datagram channel in-process: each datagram read or written goes through a ``LinkModel``
/// and is held until its delivery time, dropped, or delivered twice.
///
/// Put it next to the datagram channel's head (first in the pipeline) so that everything above sees
/// the impaired network. Time comes from `now` (by default the event loop's clock, which is
/// `NIODeadline.now()` on a real loop and the manual clock on `EmbeddedEventLoop`), and held datagrams
/// are released by timers on the channel's event loop, so tests drive it with `advanceTime`.
///
/// Not `Sendable`: like other channel handlers it lives on its channel's event loop, and its state and
/// counters must only be touched there (timers are scheduled through `assumeIsolated()` for that reason).
public final class DatagramImpairmentHandler: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = AddressedEnvelope<ByteBuffer>
    public typealias InboundOut = AddressedEnvelope<ByteBuffer>
    public typealias OutboundIn = AddressedEnvelope<ByteBuffer>
    public typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    /// Which end of the link this channel is, to pick the direction each way.
    public enum Side: Sendable, Hashable {
        /// Reads the upstream direction, writes the downstream one.
        case server
        /// Reads the downstream direction, writes the upstream one.
        case client
    }

    struct PendingWrite {
        let envelope: AddressedEnvelope<ByteBuffer>
        let promise: EventLoopPromise<Void>?
    }

    private var inbound: ImpairedDirection<AddressedEnvelope<ByteBuffer>>
    private var outbound: ImpairedDirection<PendingWrite>
    private let clock: (@Sendable () -> NIODeadline)?

    /// - Parameters:
    ///   - inbound: the model applied to datagrams read from the network.
    ///   - outbound: the model applied to datagrams written to the network.
    ///   - now: the current time; `nil` uses the event loop's own clock.
    public init(inbound: LinkModel, outbound: LinkModel, now: (@Sendable () -> NIODeadline)? = nil) {
        self.inbound = ImpairedDirection(model: inbound)
        self.outbound = ImpairedDirection(model: outbound)
        self.clock = now
    }

    /// Impairs reads with `inbound` and writes with `outbound`, both seeded from `seed`.
    public convenience init(
        inbound: ImpairmentProfile,
        outbound: ImpairmentProfile,
        seed: UInt64,
        now: (@Sendable () -> NIODeadline)? = nil
    ) {
        var seeds = SplitMix64(seed: seed, stream: 0x6469_7265_6374)
        self.init(
            inbound: LinkModel(profile: inbound, seed: seeds.next()),
            outbound: LinkModel(profile: outbound, seed: seeds.next()),
            now: now
        )
    }

    /// Impairs a channel at one end of `link`.
    public convenience init(link: LinkProfile, side: Side, seed: UInt64, now: (@Sendable () -> NIODeadline)? = nil) {
        switch side {
        case .server:
            self.init(inbound: link.upstream, outbound: link.downstream, seed: seed, now: now)
        case .client:
            self.init(inbound: link.downstream, outbound: link.upstream, seed: seed, now: now)
        }
    }

    /// What the link did to datagrams read so far.
    public var inboundCounters: LinkCounters { self.inbound.model.counters }
    /// What the link did to datagrams written so far.
    public var outboundCounters: LinkCounters { self.outbound.model.counters }
    /// Datagrams read but not yet passed on.
    public var pendingInbound: Int { self.inbound.queue.count }
    /// Datagrams written but not yet passed on.
    public var pendingOutbound: Int { self.outbound.queue.count }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = self.unwrapInboundIn(data)
        let now = self.now(context)
        let decision = self.inbound.model.submit(size: envelope.data.readableBytes, at: now)
        for due in decision.deliveryTimes {
            self.inbound.queue.push(envelope, due: due)
        }
        // The channelReadComplete that follows from the head covers these reads.
        self.releaseInbound(context: context, now: now, completeRead: false)
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let envelope = self.unwrapOutboundIn(data)
        let now = self.now(context)
        let decision = self.outbound.model.submit(size: envelope.data.readableBytes, at: now)
        guard let due = decision.due else {
            // As far as a sender can tell, a datagram lost on the path was sent.
            promise?.succeed(())
            return
        }
        self.outbound.queue.push(PendingWrite(envelope: envelope, promise: promise), due: due)
        if let copyDue = decision.duplicateDue {
            self.outbound.queue.push(PendingWrite(envelope: envelope, promise: nil), due: copyDue)
        }
        // The caller's flush follows and covers these writes.
        self.releaseOutbound(context: context, now: now, flush: false)
    }

    public func channelInactive(context: ChannelHandlerContext) {
        self.inbound.cancelTimer()
        self.outbound.cancelTimer()
        _ = self.inbound.queue.removeAll()
        for pending in self.outbound.queue.removeAll() {
            pending.promise?.fail(ChannelError.ioOnClosedChannel)
        }
        context.fireChannelInactive()
    }

    /// Passes on whatever is still held, at once, so removing the handler loses nothing.
    public func handlerRemoved(context: ChannelHandlerContext) {
        self.inbound.cancelTimer()
        self.outbound.cancelTimer()
        let reads = self.inbound.queue.removeAll()
        for envelope in reads {
            context.fireChannelRead(self.wrapInboundOut(envelope))
        }
        if !reads.isEmpty { context.fireChannelReadComplete() }
        let writes = self.outbound.queue.removeAll()
        for pending in writes {
            context.write(self.wrapOutboundOut(pending.envelope), promise: pending.promise)
        }
        if !writes.isEmpty { context.flush() }
    }

    private func now(_ context: ChannelHandlerContext) -> Duration {
        let deadline = self.clock?() ?? context.eventLoop.now
        return .nanoseconds(deadline.uptimeNanoseconds)
    }

    private func releaseInbound(context: ChannelHandlerContext, now: Duration, completeRead: Bool) {
        var released = false
        while let envelope = self.inbound.queue.popFirst(dueBy: now) {
            context.fireChannelRead(self.wrapInboundOut(envelope))
            released = true
        }
        if released && completeRead { context.fireChannelReadComplete() }
        self.inbound.reschedule(context: context, now: now) { [self] in
            self.inbound.timerFired()
            self.releaseInbound(context: context, now: self.now(context), completeRead: true)
        }
    }

    private func releaseOutbound(context: ChannelHandlerContext, now: Duration, flush: Bool) {
        var released = false
        while let pending = self.outbound.queue.popFirst(dueBy: now) {
            context.write(self.wrapOutboundOut(pending.envelope), promise: pending.promise)
            released = true
        }
        if released && flush { context.flush() }
        self.outbound.reschedule(context: context, now: now) { [self] in
            self.outbound.timerFired()
            self.releaseOutbound(context: context, now: self.now(context), flush: true)
        }
    }
}

/// One direction of the handler: its model, what it holds, and the timer for the earliest held item.
struct ImpairedDirection<Element> {
    var model: LinkModel
    var queue = DeliveryQueue<Element>()
    private var timer: Scheduled<Void>?
    private var timerDue: Duration?

    init(model: LinkModel) {
        self.model = model
    }

    /// Makes sure a timer fires at the earliest due time, keeping an existing timer that is not later.
    mutating func reschedule(context: ChannelHandlerContext, now: Duration, fire: @escaping () -> Void) {
        guard let next = self.queue.nextDue else {
            self.cancelTimer()
            return
        }
        if let scheduled = self.timerDue, scheduled <= next { return }
        self.timer?.cancel()
        self.timerDue = next
        let delay = TimeAmount.nanoseconds(Self.nanosecondsRoundedUp(next - now))
        self.timer = context.eventLoop.assumeIsolated().scheduleTask(in: delay) { [fire] in
            fire()
        }
    }

    /// Forgets the timer that has just fired, so the next ``reschedule`` arms a new one.
    mutating func timerFired() {
        self.timer = nil
        self.timerDue = nil
    }

    /// Stops the timer: nothing is held any more, or the channel is going away.
    mutating func cancelTimer() {
        self.timer?.cancel()
        self.timer = nil
        self.timerDue = nil
    }

    /// Rounds up so a timer never fires before a due time that has a fraction of a nanosecond.
    static func nanosecondsRoundedUp(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0, attoseconds >= 0 else { return 0 }
        let (whole, fraction) = attoseconds.quotientAndRemainder(dividingBy: 1_000_000_000)
        return seconds * 1_000_000_000 + whole + (fraction > 0 ? 1 : 0)
    }
}
