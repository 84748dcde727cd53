import Histogram
import Logging
import NIOCore
import NetcodeProtocol

/// The realtime side of the server: the UDP socket's handler, the running matches, and the routing of
/// every realtime packet (from UDP or from a tcp match's lobby connection) to its session.
///
/// Confined to one event loop. A datagram that fails any check is dropped and counted; nothing is ever
/// sent in answer to a packet that did not authenticate.
final class RealtimeServer: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    let eventLoop: any EventLoop
    let logger: Logger
    private var context: ChannelHandlerContext?
    private var matches: [UInt64: MatchRunner] = [:]
    private var sessions: [UInt32: (match: MatchRunner, slot: Int)] = [:]
    private var pendingFlush = false
    /// Called on the event loop when a match ends.
    var onMatchFinished: ((MatchOutcome, _ completed: Bool) -> Void)?

    private(set) var counters = RealtimeCounters()
    private(set) var tickCost = Histogram<UInt64>(highestTrackableValue: 10_000_000_000, numberOfSignificantValueDigits: .three)

    init(eventLoop: any EventLoop, logger: Logger) {
        self.eventLoop = eventLoop
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    var matchCount: Int { self.matches.count }
    var sessionCount: Int { self.sessions.count }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = self.unwrapInboundIn(data)
        self.counters.datagramsReceived += 1
        self.counters.bytesReceived += UInt64(envelope.data.readableBytes)
        self.route(envelope.data, from: envelope.remoteAddress)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        self.flush()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A datagram socket reports errors (e.g. ICMP port unreachable) per packet; they never end it.
        self.counters.socketErrors += 1
        self.logger.debug("realtime socket error", metadata: ["error": "\(error)"])
    }

    /// A realtime packet that arrived in a `realtime` frame on lobby connection `connection`.
    func receiveOverTCP(_ packet: ByteBuffer, from connection: ConnectionID) {
        self.counters.framesReceived += 1
        guard let sessionID = PacketHeader.peekSessionID(packet), let route = self.sessions[sessionID],
              route.match.slots[route.slot].tcp?.connectionID == connection
        else {
            self.countDrop(.unknownSession)
            return
        }
        route.match.receive(packet, slot: route.slot, from: nil, now: UInt64(NIODeadline.now().uptimeNanoseconds))
    }

    private func route(_ datagram: ByteBuffer, from address: SocketAddress) {
        guard datagram.readableBytes <= RealtimePacket.maxPacketSize else {
            self.countDrop(.oversized)
            return
        }
        guard let sessionID = PacketHeader.peekSessionID(datagram) else {
            self.countDrop(.truncated)
            return
        }
        guard let route = self.sessions[sessionID], route.match.transport == .udp else {
            self.countDrop(.unknownSession)
            return
        }
        route.match.receive(datagram, slot: route.slot, from: address, now: UInt64(NIODeadline.now().uptimeNanoseconds))
    }

    func countDrop(_ reason: DropReason) {
        self.counters.drops.record(reason)
    }

    func countSkippedTicks(_ count: Int) {
        self.counters.skippedTicks += UInt64(count)
    }

    func recordTickCost(_ cost: TimeAmount) {
        _ = self.tickCost.record(UInt64(max(cost.nanoseconds, 0)))
    }

    /// Takes the tick-cost histogram gathered since the last call.
    func takeTickCost() -> Histogram<UInt64> {
        defer { self.tickCost.reset() }
        return self.tickCost
    }

    /// Where datagrams go when the handler is not in a channel (the tick benchmark drives matches
    /// without a socket and plays the clients' side from here).
    var detachedOutbound: ((ByteBuffer, SocketAddress) -> Void)?

    func send(_ packet: ByteBuffer, to address: SocketAddress) {
        self.counters.datagramsSent += 1
        self.counters.bytesSent += UInt64(packet.readableBytes)
        guard let context = self.context else {
            self.detachedOutbound?(packet, address)
            return
        }
        context.write(self.wrapOutboundOut(AddressedEnvelope(remoteAddress: address, data: packet)), promise: nil)
        self.pendingFlush = true
    }

    func flush() {
        guard self.pendingFlush, let context = self.context else { return }
        self.pendingFlush = false
        context.flush()
    }

    func add(_ match: MatchRunner) {
        self.matches[match.matchID] = match
        for (index, slot) in match.slots.enumerated() {
            self.sessions[slot.sessionID] = (match, index)
        }
        match.start()
    }

    func isSessionInUse(_ sessionID: UInt32) -> Bool {
        self.sessions[sessionID] != nil
    }

    func playerLeft(roomID: UInt32, accountID: UInt64) {
        for match in self.matches.values where match.roomID == roomID {
            match.leave(accountID: accountID)
        }
    }

    func matchFinished(_ match: MatchRunner, completed: Bool) {
        self.matches[match.matchID] = nil
        for slot in match.slots { self.sessions[slot.sessionID] = nil }
        self.onMatchFinished?(match.outcome(), completed)
    }

    /// Ends every match without recording it (the server is shutting down).
    func abandonAll() {
        for match in Array(self.matches.values) { match.finish(reason: .serverShutdown) }
    }
}

/// Totals of the realtime socket since the server started.
struct RealtimeCounters: Sendable {
    var datagramsReceived: UInt64 = 0
    var datagramsSent: UInt64 = 0
    var bytesReceived: UInt64 = 0
    var bytesSent: UInt64 = 0
    var framesReceived: UInt64 = 0
    var socketErrors: UInt64 = 0
    /// Ticks matches skipped because their loop fell more than a few ticks behind.
    var skippedTicks: UInt64 = 0
    var drops = DropCounters()
}
