import DatagramBatch
import Histogram
import Logging
import NIOCore
import NetcodeProtocol

#if canImport(Glibc)
import Glibc
#endif

/// One realtime shard: an event loop, its own UDP socket (its own port), and the matches placed on it.
/// The server runs one per core; a match lives on one shard for its whole life, so its ticks and its
/// datagrams are handled on one thread, in order, without locks.
///
/// The shard is the thin driver of ``MatchRunner``: it routes each datagram to its session, wakes each
/// match when its tick is due, and carries the ``MatchOutput`` out to the socket (or to a lobby
/// connection for tcp matches). A datagram that fails any check is dropped and counted; nothing is ever
/// sent in answer to a packet that did not authenticate.
final class RealtimeShard: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    let index: Int
    /// How many shards the server runs: shard `index` of `count` ticks its phases `index / count` of a
    /// slice after shard 0's, so the shards' wake-ups interleave instead of landing on the same instant.
    let count: Int
    let eventLoop: any EventLoop
    let logger: Logger
    private var context: ChannelHandlerContext?
    private(set) var matches: [UInt64: MatchRunner] = [:]
    /// One timer for the whole shard, armed for the earliest tick due: each match ticks in one of
    /// `phases` slices of the tick, so a wake-up serves up to an eighth of the matches with one flush
    /// (one batch of `sendmmsg`), instead of one wake-up per match (many timers) or one burst of every
    /// snapshot at once (which queues the last ones behind the first at the receivers). Flushing after
    /// each match instead halved the median snapshot latency at 2,000 players, but cost the swarm 5-9%
    /// more CPU in smaller reads (and the server 3%), with no p99 gain measurable: not kept.
    private let tickNanos: UInt64
    static let phases: UInt64 = 8
    private var nextSlice: UInt64 = 0
    private var placed: UInt64 = 0
    private var timer: Scheduled<Void>?
    /// The matches a slice runs (kept between slices for its capacity).
    private var due: [MatchRunner] = []
    private(set) var sessions: [UInt32: SessionRoute] = [:]
    /// Where each session's seat and match lie in memory, for prefetching only: plain addresses, so a
    /// lookup retains nothing (a retain writes the object's first line, which is the miss a prefetch is
    /// meant to hide). Kept with ``sessions`` by ``setRoute(_:for:)``; a stale one would prefetch
    /// harmless garbage, never be dereferenced.
    private var prefetchHints: [UInt32: PrefetchHint] = [:]
    private var output = MatchOutput()
    private var pendingFlush = false
    /// The socket's descriptor when the shard reads and sends its datagrams itself. The channel reads one
    /// datagram when the socket becomes readable and the shard drains the rest (`DatagramReceiver`,
    /// `recvmmsg` into one buffer); it sends one ``DatagramBatch`` per flush (`sendmmsg` from one buffer,
    /// no envelope per datagram), with each datagram the kernel refuses counted. Nil while an in-process
    /// impairment sits in the pipeline (it must see every datagram both ways) and once the channel is
    /// inactive (the descriptor is closed).
    var directSocket: CInt?
    private let batch = DatagramBatch(expectedDatagrams: 512)
    private let receiver = DatagramReceiver()
    /// Called on the shard's loop when a match ends, with whether it ran to its end and its sessions.
    var onMatchFinished: ((MatchOutcome, _ completed: Bool, _ sessions: [UInt32]) -> Void)?

    private(set) var counters = RealtimeCounters()
    private(set) var tickCost = Histogram<UInt64>(highestTrackableValue: 10_000_000_000, numberOfSignificantValueDigits: .two)
    /// How late each match's tick woke up after its due time, in nanoseconds.
    private(set) var tickLateness = Histogram<UInt64>(highestTrackableValue: 10_000_000_000, numberOfSignificantValueDigits: .two)
    /// What ``measureLoad()`` last found.
    private(set) var load = ShardLoad()
    private var lastLoadSample: (wall: UInt64, cpu: UInt64)?

    init(index: Int, of count: Int = 1, eventLoop: any EventLoop, tickRate: Int, logger: Logger) {
        self.index = index
        self.count = max(count, 1)
        self.tickNanos = UInt64(1_000_000_000 / max(tickRate, 1))
        self.eventLoop = eventLoop
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        self.directSocket = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        // The descriptor is closed: nothing may be sent on it any more.
        self.directSocket = nil
        self.batch.discard(errno: EBADF) { _, bytes, _ in self.countSendFailure(bytes: bytes) }
        context.fireChannelInactive()
    }

    var matchCount: Int { self.matches.count }
    var sessionCount: Int { self.sessions.count }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = self.unwrapInboundIn(data)
        self.route(envelope.data, from: envelope.remoteAddress, now: Self.now())
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        self.drainSocket()
        self.flush()
    }

    /// Reads every datagram waiting on the socket (when the shard reads it itself) and routes each.
    private func drainSocket() {
        guard let descriptor = self.directSocket else { return }
        // One reading of the clock for the batch: the datagrams were all waiting when the read began.
        let now = Self.now()
        self.receiver.drain(
            descriptor,
            failed: { _ in self.counters.socketErrors += 1 },
            lookAhead: { bytes in self.prefetchSession(of: bytes) }
        ) { datagram, address in
            self.route(datagram, from: address, now: now)
        }
    }

    /// Starts loading the state the datagram's session will touch (its seat and its match) while the
    /// batch's earlier datagrams are handled. With a thousand players the seats do not stay in the
    /// processor's caches between one packet of a player and the next, and handling an input waited on
    /// its seat's lines one miss after another: this overlaps the misses of the whole batch.
    private func prefetchSession(of bytes: UnsafeRawBufferPointer) {
        guard let sessionID = PacketHeader.sessionIDHint(bytes), let hint = self.prefetchHints[sessionID] else { return }
        prefetch(hint.player, lines: Int(hint.playerLines))
        prefetch(hint.match, lines: PrefetchHint.matchLines)
    }

    /// Routes `sessionID` to `route` (nil: forgets it).
    func setRoute(_ route: SessionRoute?, for sessionID: UInt32) {
        self.sessions[sessionID] = route
        self.prefetchHints[sessionID] = route.map(PrefetchHint.init)
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
            self.counters.drops.record(.unknownSession)
            return
        }
        route.match.receive(packet, slot: route.slot, player: route.player, from: nil, now: Self.now(), output: &self.output)
        self.carryOut(route.match)
        self.flush()
    }

    /// Counts a datagram from the socket (read by the channel or drained) and hands it to its session.
    private func route(_ datagram: ByteBuffer, from address: SocketAddress, now: UInt64) {
        self.counters.datagramsReceived += 1
        self.counters.bytesReceived += UInt64(datagram.readableBytes)
        guard datagram.readableBytes <= RealtimePacket.maxPacketSize else {
            self.counters.drops.record(.oversized)
            return
        }
        guard let sessionID = PacketHeader.peekSessionID(datagram) else {
            self.counters.drops.record(.truncated)
            return
        }
        guard let route = self.sessions[sessionID], route.match.transport == .udp else {
            self.counters.drops.record(.unknownSession)
            return
        }
        route.match.receive(datagram, slot: route.slot, player: route.player, from: address, now: now, output: &self.output)
        self.carryOut(route.match)
    }

    static func now() -> UInt64 { UInt64(NIODeadline.now().uptimeNanoseconds) }

    /// Sends what the match asked for, counts its drops, and retires it if it finished.
    private func carryOut(_ match: MatchRunner) {
        for packet in self.output.packets {
            switch packet.destination {
            case .udp(let address):
                self.counters.datagramsSent += 1
                self.counters.bytesSent += UInt64(packet.bytes.readableBytes)
                if self.directSocket != nil {
                    let start = self.batch.beginDatagram()
                    self.batch.buffer.writeImmutableBuffer(packet.bytes)
                    self.batch.endDatagram(startingAt: start, to: address, tag: 0)
                    self.pendingFlush = true
                } else if let context = self.context {
                    context.write(self.wrapOutboundOut(AddressedEnvelope(remoteAddress: address, data: packet.bytes)), promise: nil)
                    self.pendingFlush = true
                }
            case .tcp(let handle):
                self.counters.send(packet.bytes, over: handle, for: match)
            }
        }
        if self.output.drops.total > 0 {
            for reason in DropReason.allCases where self.output.drops[reason] > 0 {
                self.counters.drops[reason] += self.output.drops[reason]
            }
        }
        self.counters.skippedTicks += self.output.skippedTicks
        self.output.reset()
        if match.finished { self.retire(match) }
    }

    func flush() {
        guard self.pendingFlush else { return }
        self.pendingFlush = false
        if let descriptor = self.directSocket {
            self.batch.send(on: descriptor) { _, bytes, _ in self.countSendFailure(bytes: bytes) }
        } else {
            self.context?.flush()
        }
    }

    /// A datagram counted as sent that the kernel refused (its buffer full, no route).
    private func countSendFailure(bytes: Int) {
        self.counters.socketErrors += 1
        self.counters.datagramsSent -= 1
        self.counters.bytesSent -= UInt64(bytes)
    }

    /// Places a match on this shard, in the next of the shard's tick phases (round robin).
    func add(_ match: MatchRunner) {
        self.matches[match.matchID] = match
        for (index, slot) in match.slots.enumerated() {
            self.setRoute(SessionRoute(match: match, slot: index), for: slot.sessionID)
        }
        let phase = self.placed % Self.phases
        self.placed += 1
        match.startTicking(at: Self.firstTick(now: Self.now(), tickNanos: self.tickNanos, phase: phase, shard: self.index, of: self.count))
        self.scheduleNext()
    }

    /// When a match placed at `now` in `phase` first ticks: a tick from now, on the shard's grid of
    /// `phases` slices per tick. Phases are slices of a grid shared by the shard's matches, so matches in
    /// one phase share their wake-ups. Shard `shard` of `count` has its grid offset by `shard / count` of
    /// a slice: shards on the same instants would want every core at once, then leave them all idle.
    static func firstTick(now: UInt64, tickNanos: UInt64, phase: UInt64, shard: Int, of count: Int) -> UInt64 {
        let slice = tickNanos / Self.phases
        let count = UInt64(max(count, 1))
        let offset = slice * (UInt64(max(shard, 0)) % count) / count
        let grid = ((now &- offset) / slice + 1) * slice + offset
        return grid + tickNanos + (phase % Self.phases) * slice
    }

    /// Arms the timer for the earliest tick due among the matches (at most one wake-up per phase).
    private func scheduleNext() {
        guard let due = self.matches.values.lazy.map(\.nextTickDue).min() else {
            self.timer?.cancel()
            self.timer = nil
            return
        }
        if self.timer != nil, self.nextSlice == due { return }
        self.timer?.cancel()
        self.nextSlice = due
        self.timer = self.eventLoop.assumeIsolated().scheduleTask(deadline: .uptimeNanoseconds(due)) { [weak self] in
            self?.runSlice()
        }
    }

    /// Runs the matches whose tick is due, then sends everything in one flush.
    private func runSlice() {
        self.timer = nil
        let woke = Self.now()
        if woke > self.nextSlice { _ = self.tickLateness.record(woke - self.nextSlice) }
        self.due.removeAll(keepingCapacity: true)
        for match in self.matches.values where match.nextTickDue <= woke {
            self.due.append(match)
            match.prefetchSeats()
        }
        for match in self.due {
            let started = Self.now()
            match.runDueTicks(now: started, output: &self.output)
            self.carryOut(match)
            _ = self.tickCost.record(Self.now() - started)
        }
        self.due.removeAll(keepingCapacity: true)
        self.flush()
        self.scheduleNext()
    }

    func isSessionInUse(_ sessionID: UInt32) -> Bool {
        self.sessions[sessionID] != nil
    }

    func playerLeft(roomID: UInt32, accountID: UInt64, reason: DisconnectMessage.Reason) {
        let now = Self.now()
        for match in Array(self.matches.values) where match.roomID == roomID {
            match.leave(accountID: accountID, reason: reason, now: now, output: &self.output)
            self.carryOut(match)
        }
        self.flush()
    }

    private func retire(_ match: MatchRunner) {
        guard self.matches.removeValue(forKey: match.matchID) != nil else { return }
        for slot in match.slots { self.setRoute(nil, for: slot.sessionID) }
        self.onMatchFinished?(match.outcome(), match.finishReason == .matchEnded, match.slots.map(\.sessionID))
    }

    /// Ends every match without recording it (the server is shutting down).
    func abandonAll() {
        let now = Self.now()
        for match in Array(self.matches.values) {
            match.finish(reason: .serverShutdown, now: now, output: &self.output)
            self.carryOut(match)
        }
        self.flush()
    }

    /// Samples how busy the shard's thread was since the last call (its CPU time over the wall time,
    /// read from the kernel for this thread) and how late its ticks woke. Call on the shard's loop,
    /// about once a second.
    @discardableResult
    func measureLoad(tickNanos: UInt64) -> ShardLoad {
        let wall = Self.now()
        let cpu = Self.threadCPUNanos()
        if let last = self.lastLoadSample, wall > last.wall {
            self.load.busy = Double(cpu &- last.cpu) / Double(wall - last.wall)
        }
        self.lastLoadSample = (wall, cpu)
        self.load.lateP99Nanos = self.tickLateness.totalCount > 0 ? self.tickLateness.valueAtPercentile(99) : 0
        self.load.tickNanos = tickNanos
        self.load.players = self.sessions.count
        self.load.matches = self.matches.count
        self.tickLateness.reset()
        return self.load
    }

    static func threadCPUNanos() -> UInt64 {
        #if canImport(Glibc)
        var spec = timespec()
        guard clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec) == 0 else { return 0 }
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
        #else
        return 0
        #endif
    }

    /// Takes the tick-cost histogram gathered since the last call.
    func takeTickCost() -> Histogram<UInt64> {
        defer { self.tickCost.reset() }
        return self.tickCost
    }
}

/// Where a session's datagrams go: its match, its seat's index there and the seat itself (so routing
/// reaches the seat without a trip through the match's array).
struct SessionRoute {
    let match: MatchRunner
    let slot: Int
    let player: PlayerSlot

    init(match: MatchRunner, slot: Int) {
        self.match = match
        self.slot = slot
        self.player = match.slots[slot]
    }
}

/// A session's seat and match as addresses to prefetch (see ``RealtimeShard/setRoute(_:for:)``).
struct PrefetchHint {
    let player: UnsafeRawPointer
    let match: UnsafeRawPointer
    /// Cache lines of the seat's object.
    let playerLines: Int32
    /// Cache lines of the match object prefetched: its header, the world's array pointers and the seats'.
    static let matchLines = 4

    init(_ route: SessionRoute) {
        self.player = UnsafeRawPointer(Unmanaged.passUnretained(route.player).toOpaque())
        self.match = UnsafeRawPointer(Unmanaged.passUnretained(route.match).toOpaque())
        self.playerLines = Int32(route.match.slotLines)
    }
}

/// How loaded a shard is, as last measured.
struct ShardLoad: Sendable {
    /// Share of wall time the shard's thread spent on the CPU (0...1).
    var busy: Double = 0
    /// 99th percentile of how late ticks woke, in nanoseconds.
    var lateP99Nanos: UInt64 = 0
    var tickNanos: UInt64 = 33_333_333
    var players = 0
    var matches = 0
    /// Whether ticks also woke late in the previous measurement.
    var lateBefore = false

    /// Ticks woke more than a tick late in this measurement: the thread starved of CPU, even if it is
    /// not busy itself.
    var isLate: Bool { self.lateP99Nanos > self.tickNanos }

    /// Over its tick budget: the thread busier than `budget` allows over the last second, or ticks late
    /// in this measurement and the one before (one slow second, such as a burst of logins or a busy
    /// neighbour process, does not turn matches away).
    func isOverBudget(_ budget: Double) -> Bool {
        self.busy > budget || (self.isLate && self.lateBefore)
    }
}

/// Totals of a realtime shard since the server started.
struct RealtimeCounters: Sendable {
    var datagramsReceived: UInt64 = 0
    var datagramsSent: UInt64 = 0
    var bytesReceived: UInt64 = 0
    var bytesSent: UInt64 = 0
    var framesReceived: UInt64 = 0
    var framesSent: UInt64 = 0
    /// Realtime frames a tcp match could not queue because the client reads too slowly.
    var framesDroppedSlowReader: UInt64 = 0
    var socketErrors: UInt64 = 0
    /// Ticks matches skipped because their loop fell more than a few ticks behind.
    var skippedTicks: UInt64 = 0
    var drops = DropCounters()

    static func + (lhs: Self, rhs: Self) -> Self {
        var sum = lhs
        sum.datagramsReceived += rhs.datagramsReceived
        sum.datagramsSent += rhs.datagramsSent
        sum.bytesReceived += rhs.bytesReceived
        sum.bytesSent += rhs.bytesSent
        sum.framesReceived += rhs.framesReceived
        sum.framesSent += rhs.framesSent
        sum.framesDroppedSlowReader += rhs.framesDroppedSlowReader
        sum.socketErrors += rhs.socketErrors
        sum.skippedTicks += rhs.skippedTicks
        for reason in DropReason.allCases { sum.drops[reason] += rhs.drops[reason] }
        return sum
    }
}
