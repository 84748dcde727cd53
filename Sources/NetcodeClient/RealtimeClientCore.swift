import DatagramBatch
import LinkEmulator
import NIOConcurrencyHelpers
import NIOCore
import NetcodeProtocol

/// Settings of one client's realtime session.
public struct RealtimeClientOptions: Sendable, Hashable {
    /// Frames rendered per second; staleness is sampled once per frame.
    public var frameRate: Int
    /// How far behind the newest snapshot the client renders, so it can interpolate between two.
    /// nil means two snapshot intervals.
    public var interpolationDelay: Duration?
    /// A gap between snapshot arrivals longer than this counts as a stall.
    public var stallThreshold: Duration
    /// Inputs repeated in every input packet.
    public var inputRedundancy: Int
    public var behaviour: BotBehaviour
    public var seed: UInt64
    /// The session ends when nothing arrives for this long.
    public var silenceTimeout: Duration
    /// Network impairment applied to this client's datagrams, both ways (UDP matches only).
    public var impairment: LinkProfile?
    /// Per-session histograms at two significant digits instead of three (see ``PlayerExperience/init(compact:)``).
    public var compactHistograms: Bool
    /// Whether the session keeps its own latency, staleness and input→ack histograms. With `false` (and a
    /// `LiveTraffic` to report to) every sample goes only to its loop's live figures, whose whole-run sum
    /// (``LiveTraffic/wholeRun``) holds exactly the same samples: what a swarm of thousands needs, since a
    /// session's own histograms are cold memory, touched at every sample (a cache miss each). Without a
    /// `LiveTraffic` the session keeps them whatever this says.
    public var sessionDistributions: Bool
    /// Share one UDP socket per event loop among sessions (demultiplexed by session id) instead of one
    /// socket per session: what a load generator of thousands of bots needs to stay cheaper than the
    /// server. Real clients have a socket each (the default). Not combined with `impairment`.
    public var sharedSocket: Bool

    public init(
        frameRate: Int = 60,
        interpolationDelay: Duration? = nil,
        stallThreshold: Duration = .milliseconds(100),
        inputRedundancy: Int = 5,
        behaviour: BotBehaviour = .chase,
        seed: UInt64 = 1,
        silenceTimeout: Duration = .seconds(10),
        impairment: LinkProfile? = nil,
        sharedSocket: Bool = false,
        compactHistograms: Bool = false,
        sessionDistributions: Bool = true
    ) {
        self.compactHistograms = compactHistograms
        self.sessionDistributions = sessionDistributions
        self.impairment = impairment
        self.sharedSocket = sharedSocket
        self.frameRate = frameRate
        self.interpolationDelay = interpolationDelay
        self.stallThreshold = stallThreshold
        self.inputRedundancy = inputRedundancy
        self.behaviour = behaviour
        self.seed = seed
        self.silenceTimeout = silenceTimeout
    }
}

/// How a realtime session ended.
public enum RealtimeEnd: Sendable, Equatable {
    /// The server said the match is over (disconnect packet or the lobby's matchEnded).
    case matchEnded
    /// Nothing arrived for the silence timeout.
    case timedOut
    /// The server (or the local side) disconnected for another reason.
    case disconnected(reason: UInt8)
    case stopped
    /// The local side vanished without a word, as when the network goes away (no disconnect is sent):
    /// the bots' `--reconnect-every` drops use it.
    case dropped
}

/// Where a session's packets go: a UDP socket of its own, the lobby's TCP connection, or a UDP socket
/// shared by the sessions of one loop. Used on the session's loop only.
protocol RealtimeClientTransport: AnyObject {
    /// Sends one packet, which `write` appends to the buffer it is given (its reader index left at the
    /// packet's start), and returns the packet's size. A packet that turns out not to have left is
    /// reported to `session` with ``RealtimeClientCore/sendFailed(bytes:)``.
    func send(from session: RealtimeClientCore, _ write: (inout ByteBuffer) -> Void) -> Int
}

/// A transport that sends each packet in a buffer of its own through `transmit` (a channel write), and
/// learns of a failed send from the write's promise.
final class ChannelTransport: RealtimeClientTransport {
    private let eventLoop: any EventLoop
    private let transmit: (ByteBuffer, EventLoopPromise<Void>) -> Void

    init(eventLoop: any EventLoop, transmit: @escaping (ByteBuffer, EventLoopPromise<Void>) -> Void) {
        self.eventLoop = eventLoop
        self.transmit = transmit
    }

    func send(from session: RealtimeClientCore, _ write: (inout ByteBuffer) -> Void) -> Int {
        var packet = ByteBufferAllocator().buffer(capacity: RealtimePacket.minPacketSize + 64)
        write(&packet)
        let size = packet.readableBytes
        let promise = self.eventLoop.makePromise(of: Void.self)
        promise.futureResult.assumeIsolated().whenFailure { _ in session.sendFailed(bytes: size) }
        self.transmit(packet, promise)
        return size
    }
}

/// One client's realtime session, confined to one event loop: sends inputs at the tick rate, renders
/// at the frame rate, and measures what the player sees. The transport is an object, so the same code
/// plays over UDP and over TCP.
final class RealtimeClientCore {
    let start: MatchStart
    let options: RealtimeClientOptions
    let eventLoop: any EventLoop
    /// Hands packets to the socket or the lobby connection (set once, before ``run()``).
    var transport: (any RealtimeClientTransport)?
    private let live: LiveTraffic?
    /// The frame clock of this session's loop; it also gathers the loop's live figures, lock-free.
    private var clock: FrameClock?
    private var sink: FrameClock.LiveSink?
    private var connection: RealtimeConnection
    private var history: InputHistory
    private var snapshots = SnapshotReceiver()
    private var policy: InputPolicy
    private(set) var experience: PlayerExperience
    private let promise: EventLoopPromise<(RealtimeEnd, PlayerExperience)>
    private var inputs: InputSchedule
    private var lastArrival: UInt64?
    /// Packet numbers of the first and the newest snapshot received: the server sends nothing but
    /// snapshots until the final disconnect, so their difference counts the snapshots it sent, including
    /// any tick it skipped when it fell behind.
    private var firstSnapshotPacket: UInt64?
    private var newestSnapshotPacket: UInt64?
    private var newestSendTime: UInt64?
    private var firstSnapshotTick: UInt32?
    private var newestSnapshotTick: UInt32 = 0
    private var lastAckedInput: UInt32 = 0
    private var firstPacketAt: UInt64?
    private var lastPacketAt: UInt64?
    private let startedAt: UInt64
    private var ended = false
    private let interpolationDelayNanos: UInt64
    private let stallThresholdNanos: UInt64
    /// Whether samples go to the session's own histograms too (see ``RealtimeClientOptions/sessionDistributions``).
    private let keepsDistributions: Bool

    var result: EventLoopFuture<(RealtimeEnd, PlayerExperience)> { self.promise.futureResult }
    /// Completes with true at the first snapshot decoded, or false if the session ends before one.
    private let firstSnapshotPromise: EventLoopPromise<Bool>
    private var firstSnapshotSeen = false
    var firstSnapshot: EventLoopFuture<Bool> { self.firstSnapshotPromise.futureResult }

    init(start: MatchStart, options: RealtimeClientOptions, eventLoop: any EventLoop, live: LiveTraffic? = nil) {
        self.start = start
        self.live = live
        self.options = options
        self.eventLoop = eventLoop
        self.connection = RealtimeConnection(sessionID: start.sessionID, keyBytes: start.sessionKey)
        self.history = InputHistory(redundancy: options.inputRedundancy)
        self.keepsDistributions = options.sessionDistributions || live == nil
        self.experience = PlayerExperience(compact: options.compactHistograms, distributions: self.keepsDistributions)
        self.policy = InputPolicy(behaviour: options.behaviour, playerID: start.playerID, seed: options.seed)
        self.promise = eventLoop.makePromise()
        self.firstSnapshotPromise = eventLoop.makePromise()
        let snapshotInterval = Duration.nanoseconds(1_000_000_000 / Int64(max(start.tickRate, 1)) * Int64(max(start.snapshotInterval, 1)))
        self.interpolationDelayNanos = Self.nanos(options.interpolationDelay ?? snapshotInterval * 2)
        self.stallThresholdNanos = Self.nanos(options.stallThreshold)
        self.startedAt = Self.now()
        self.inputs = InputSchedule(tickRate: Int(start.tickRate), frameRate: options.frameRate, maximumPerFrame: options.inputRedundancy, start: self.startedAt)
    }

    static func now() -> UInt64 { UInt64(NIODeadline.now().uptimeNanoseconds) }

    static func nanos(_ duration: Duration) -> UInt64 {
        UInt64(max(duration.components.seconds, 0)) * 1_000_000_000 + UInt64(max(duration.components.attoseconds, 0) / 1_000_000_000)
    }

    /// Joins the event loop's frame clock and sends the first input at once. Inputs are sampled at their
    /// intended times (one per tick interval, in step with the clock's frames from its first frame on:
    /// ``InputSchedule``), so a slow moment is made up for rather than silently skipped; one packet
    /// carries them all, with the redundancy window behind them.
    func run() {
        self.inputs = InputSchedule(tickRate: Int(self.start.tickRate), frameRate: self.options.frameRate, maximumPerFrame: self.options.inputRedundancy, start: Self.now())
        let clock = FrameClock.clock(for: self.eventLoop, frameRate: self.options.frameRate)
        self.clock = clock
        self.sink = clock.add(self, live: self.live)
        self.frame(now: Self.now())
    }

    /// Called by the frame clock once per frame: `due` is when the frame was meant to run (nil for a
    /// frame outside the clock, the session's first).
    func frame(now: UInt64, due: UInt64? = nil) {
        guard !self.ended else { return }
        if let last = self.lastPacketAt ?? Optional(self.startedAt), now > last, now - last > Self.nanos(self.options.silenceTimeout) {
            self.end(.timedOut)
            return
        }
        let taken = self.inputs.take(now: now, frameDue: due) { time in
            _ = self.history.append(self.policy.next(), now: time)
        }
        if taken > 0 { self.sendInputs(now: now) }
        self.renderFrame(now: now)
    }

    private func sendInputs(now: UInt64) {
        guard self.history.newestSequence > 0 else { return }
        let size = self.send(.input, now: now) { _ = self.history.writeMessage(into: &$0) }
        self.experience.inputsSent += 1
        self.sink?.window.packetsSent += 1
        self.sink?.window.bytesSent += size
    }

    /// Samples what the player sees this frame: the state at (now - interpolation delay) if the buffer
    /// reaches that far, otherwise the newest state there is, held.
    private func renderFrame(now: UInt64) {
        guard let newestSendTime = self.newestSendTime else { return }
        let renderTime = now > self.interpolationDelayNanos ? now - self.interpolationDelayNanos : 0
        let shown = min(renderTime, newestSendTime)
        guard now > shown else { return }
        if self.keepsDistributions { _ = self.experience.staleness.record((now - shown) / 1000) }
        _ = self.sink?.window.staleness.record((now - shown) / 1000)
    }

    /// Starts loading the memory the next frame touches outside this object (the input history's and
    /// the sent-packet log's next slots), for a caller that runs thousands of frames in a row: the frame
    /// clock calls it a few sessions ahead, once this object's own lines have had time to arrive.
    func prefetchFrame() {
        self.history.hotLines { prefetch($0, lines: 1) }
        self.connection.hotLines(sending: true) { prefetch($0, lines: 1) }
    }

    /// Likewise for the next snapshot received: the sent-packet log's newest slot (its acks), the input
    /// history's newest (input→ack) and the kept states' next slots.
    func prefetchReceive() {
        self.connection.hotLines(sending: false) { prefetch($0, lines: 1) }
        self.history.hotLines { prefetch($0, lines: 1) }
        self.snapshots.hotLines { prefetch($0, lines: 1) }
    }

    /// One level further, once ``prefetchReceive()``'s lines have arrived: the lists of the kept states
    /// the next snapshot releases and decodes against.
    func prefetchReceiveLists() {
        self.snapshots.listHotLines { prefetch($0, lines: 1) }
    }

    /// A packet from the server (a datagram, or a realtime frame over TCP).
    /// Takes a packet in. `arrival` is when it reached the socket (the kernel's receive timestamp, on the
    /// monotonic clock), 0 where the transport does not know.
    func receive(_ packet: ByteBuffer, arrival: UInt64 = 0) {
        guard !self.ended else { return }
        let now = Self.now()
        switch self.connection.open(packet, now: now) {
        case .dropped:
            return
        case .accepted(let type, let payload, _):
            let packetNumber = self.connection.newestReceivedSequence
            self.experience.packetsReceived += 1
            self.experience.bytesReceived += packet.readableBytes
            if let sink = self.sink {
                sink.window.packetsReceived += 1
                sink.window.bytesReceived += packet.readableBytes
                if type == .snapshot { sink.window.snapshots += 1 }
            }
            if self.firstPacketAt == nil { self.firstPacketAt = now }
            self.lastPacketAt = now
            switch type {
            case .snapshot:
                let previousTick = self.newestSnapshotTick
                if self.received(snapshot: payload, now: now, arrival: arrival), let packetNumber {
                    if self.firstSnapshotPacket == nil {
                        self.firstSnapshotPacket = packetNumber
                    } else if let previousPacket = self.newestSnapshotPacket, let sink = self.sink {
                        // Ticks this snapshot moved past its packet number: what the whole run's
                        // `snapshotTicksExpected - snapshotsExpected` sums, window by window.
                        let interval = UInt32(max(self.start.snapshotInterval, 1))
                        let ticks = Int((self.newestSnapshotTick &- previousTick) / interval)
                        let packets = Int(truncatingIfNeeded: packetNumber) - Int(truncatingIfNeeded: previousPacket)
                        sink.window.serverTicksMissed += ticks - packets
                    }
                    self.newestSnapshotPacket = max(self.newestSnapshotPacket ?? 0, packetNumber)
                }
            case .disconnect:
                let reason = (try? DisconnectMessage.decode(payload))?.reason ?? .unspecified
                self.end(reason == .matchEnded ? .matchEnded : .disconnected(reason: reason.rawValue))
            case .challenge:
                // The server checks that we receive at the address we send from: echo the token at once.
                if let challenge = try? PathChallenge.decode(payload) {
                    self.send(.response, now: now) { $0.writeImmutableBuffer(challenge.encoded()) }
                }
            case .keepalive, .input, .response:
                break
            }
        }
    }

    /// Takes a snapshot in; true when it is the newest so far (it moved what the player sees).
    @discardableResult
    private func received(snapshot payload: ByteBuffer, now: UInt64, arrival: UInt64) -> Bool {
        let previousNewest = self.snapshots.newestTick
        switch self.snapshots.receive(payload, newestInputSent: self.history.newestSequence) {
        case .failure:
            // A missing baseline or a malformed body: the snapshot is lost to this player.
            self.experience.undecodable += 1
            return false
        case .success(let message):
            let tick = message.state.tick
            if let previousNewest, tick == previousNewest {
                self.experience.duplicatesIgnored += 1
                return false
            }
            if let previousNewest, tick < previousNewest {
                // Late: a newer state is already shown; an old one is worth nothing now.
                self.experience.lateIgnored += 1
                return false
            }
            self.experience.snapshotsReceived += 1
            self.policy.see(message.state)
            if self.firstSnapshotTick == nil { self.firstSnapshotTick = tick }
            if !self.firstSnapshotSeen {
                self.firstSnapshotSeen = true
                self.firstSnapshotPromise.succeed(true)
            }
            self.newestSnapshotTick = max(self.newestSnapshotTick, tick)
            let sendTime = message.sendTime(receivedAt: now)
            self.newestSendTime = sendTime
            if now > sendTime {
                if self.keepsDistributions { _ = self.experience.snapshotLatency.record((now - sendTime) / 1000) }
                _ = self.sink?.window.snapshotLatency.record((now - sendTime) / 1000)
            }
            // The same trip to the socket only: what the bot's own loop added (it was busy, or waiting for
            // a core) is the difference.
            if arrival > sendTime, arrival <= now, let sink = self.sink {
                _ = sink.window.arrivalLatency.record((arrival - sendTime) / 1000)
                _ = sink.window.readWait.record((now - arrival) / 1000)
            }
            if let last = self.lastArrival {
                let gap = now - last
                if gap > self.stallThresholdNanos {
                    self.experience.stalls += 1
                    self.sink?.window.stalls += 1
                    self.experience.longestStallMicros = max(self.experience.longestStallMicros, gap / 1000)
                }
            }
            self.lastArrival = now
            let processed = message.lastProcessedInput
            if processed > self.lastAckedInput {
                if let sampled = self.history.recordedAt(processed), now > sampled {
                    if self.keepsDistributions { _ = self.experience.inputAcknowledgement.record((now - sampled) / 1000) }
                    _ = self.sink?.window.inputAcknowledgement.record((now - sampled) / 1000)
                }
                self.lastAckedInput = processed
            }
            return true
        }
    }

    /// Seals the next packet of `type` with the payload `writePayload` writes, straight into the
    /// transport's buffer, and transmits it counted as sent. Returns its size.
    @discardableResult
    private func send(_ type: PacketType, now: UInt64, payload writePayload: (inout ByteBuffer) -> Void) -> Int {
        guard let transport = self.transport else { return 0 }
        let size = transport.send(from: self) { buffer in
            self.connection.startPacket(type: type, in: &buffer)
            writePayload(&buffer)
            self.connection.finishPacket(&buffer, now: now)
        }
        self.experience.packetsSent += 1
        self.experience.bytesSent += size
        return size
    }

    /// A packet counted as sent was refused (no route, wrong address family, a full socket buffer, a
    /// closed connection): it counts as a send error instead, so bytes that never left are not reported
    /// as bandwidth.
    func sendFailed(bytes: Int) {
        guard !self.ended else { return }
        self.experience.sendErrors += 1
        self.experience.packetsSent -= 1
        self.experience.bytesSent -= bytes
    }

    /// Ends the session (idempotent): stops the timers, sends a disconnect if we are the ones leaving,
    /// and completes the result.
    func end(_ how: RealtimeEnd) {
        guard !self.ended else { return }
        self.ended = true
        self.clock?.remove(self, sink: self.sink)
        if how == .stopped || how == .timedOut {
            self.send(.disconnect, now: Self.now()) { $0.writeImmutableBuffer(DisconnectMessage(reason: .clientQuit).encoded()) }
        }
        if let first = self.firstSnapshotPacket, let newest = self.newestSnapshotPacket, newest >= first {
            self.experience.snapshotsExpected = Int(newest - first) + 1
        }
        if let first = self.firstSnapshotTick, self.newestSnapshotTick >= first {
            let interval = UInt32(max(self.start.snapshotInterval, 1))
            self.experience.snapshotTicksExpected = Int((self.newestSnapshotTick - first) / interval) + 1
        }
        if let first = self.firstPacketAt, let last = self.lastPacketAt, last > first {
            self.experience.durationSeconds = Double(last - first) / 1e9
        }
        let stats = self.connection.stats
        self.experience.rttMilliseconds = stats.smoothedRTTMilliseconds
        self.experience.lossUp = stats.lossLocalToRemote
        self.experience.lossDown = stats.lossRemoteToLocal
        if !self.firstSnapshotSeen {
            self.firstSnapshotSeen = true
            self.firstSnapshotPromise.succeed(false)
        }
        self.promise.succeed((how, self.experience))
    }
}

/// One timer per event loop and frame rate that drives every client session on that loop, instead of
/// a timer per session: a thousand bots wake their loop a few hundred times a second, not 60,000. Frames
/// fire at fixed intended times (start + k x interval), so a late wake-up doesn't shift the ones after it.
///
/// The sessions are spread over `phaseCount` phases of the frame interval, each firing at its own
/// offset, as real players' clocks are spread: a loop of 1,000 sessions sends 250 inputs four times a
/// frame rather than 1,000 at once, so neither the server nor this loop's own reading of snapshots
/// waits behind one burst of the whole loop's frames.
final class FrameClock {
    private let eventLoop: any EventLoop
    private let interval: TimeAmount
    static let phaseCount = 4
    /// Sessions by phase; a session's index in its phase's list is in `positions`.
    private var phases: [[RealtimeClientCore]] = Array(repeating: [], count: FrameClock.phaseCount)
    private var positions: [ObjectIdentifier: (phase: Int, index: Int)] = [:]
    private var sessionCount = 0
    /// The phase that fires next, at `next`.
    private var nextPhase = 0
    private var next: NIODeadline = .now()
    private var scheduled: Scheduled<Void>?
    /// One swarm's figures on this loop since the last merge into its `LiveTraffic`: its sessions add
    /// to it without a lock (everything here is confined to the loop).
    final class LiveSink {
        let live: LiveTraffic
        var window = LiveTraffic.Window()
        var sessions = 0

        init(live: LiveTraffic) {
            self.live = live
        }

        func merge() {
            guard !self.window.isEmpty else { return }
            self.live.merge(self.window)
            self.window = LiveTraffic.Window()
        }
    }

    private var sinks: [ObjectIdentifier: LiveSink] = [:]
    private var lastMerge: NIODeadline = .now()
    private static let mergeInterval = TimeAmount.milliseconds(250)

    /// Clocks by event loop and frame rate. Each clock is only touched on its own loop; the registry
    /// itself is shared, hence the lock.
    private static let registry = NIOLockedValueBox<[Key: NIOLoopBound<FrameClock>]>([:])

    private struct Key: Hashable {
        var loop: ObjectIdentifier
        var frameRate: Int
    }

    /// The clock of `eventLoop` at `frameRate`, created on first use. Call on that loop.
    static func clock(for eventLoop: any EventLoop, frameRate: Int) -> FrameClock {
        let key = Key(loop: ObjectIdentifier(eventLoop), frameRate: frameRate)
        return self.registry.withLockedValue { clocks in
            if let existing = clocks[key] { return existing.value }
            let clock = FrameClock(eventLoop: eventLoop, interval: .nanoseconds(1_000_000_000 / Int64(max(frameRate, 1))))
            clocks[key] = NIOLoopBound(clock, eventLoop: eventLoop)
            return clock
        }
    }

    private init(eventLoop: any EventLoop, interval: TimeAmount) {
        self.eventLoop = eventLoop
        self.interval = interval
    }

    /// Adds a session; returns the sink its live figures go to, if it reports to a `LiveTraffic`.
    func add(_ session: RealtimeClientCore, live: LiveTraffic?) -> LiveSink? {
        var sink: LiveSink?
        if let live {
            let key = ObjectIdentifier(live)
            sink = self.sinks[key] ?? LiveSink(live: live)
            sink?.sessions += 1
            self.sinks[key] = sink
        }
        // The phase with the fewest sessions.
        let phase = self.phases.indices.min { self.phases[$0].count < self.phases[$1].count } ?? 0
        self.positions[ObjectIdentifier(session)] = (phase, self.phases[phase].count)
        self.phases[phase].append(session)
        if self.sessionCount == 0 { self.sessionLines = cacheLines(of: session) }
        self.sessionCount += 1
        self.start()
        return sink
    }

    private var phaseInterval: TimeAmount { .nanoseconds(self.interval.nanoseconds / Int64(Self.phaseCount)) }

    private func start() {
        if self.scheduled == nil {
            self.next = .now() + self.phaseInterval
            self.schedule()
        }
    }

    func remove(_ session: RealtimeClientCore, sink: LiveSink?) {
        if let (phase, index) = self.positions.removeValue(forKey: ObjectIdentifier(session)) {
            // The last of the phase takes the removed one's place.
            let last = self.phases[phase].removeLast()
            if index < self.phases[phase].count {
                self.phases[phase][index] = last
                self.positions[ObjectIdentifier(last)] = (phase, index)
            }
            self.sessionCount -= 1
        }
        if let sink {
            sink.sessions -= 1
            if sink.sessions == 0 {
                sink.merge()
                self.sinks[ObjectIdentifier(sink.live)] = nil
            }
        }
        if self.sessionCount == 0 {
            self.scheduled?.cancel()
            self.scheduled = nil
        }
    }

    private func mergeWindows() {
        for sink in self.sinks.values { sink.merge() }
    }

    /// How many sessions ahead of the one running ``fire()`` prefetches.
    private static let prefetchDistance = 4
    /// Cache lines of a session object (every session is the same class; measured at the first added).
    private var sessionLines = 1

    private func prefetchSession(_ session: RealtimeClientCore) {
        prefetch(Unmanaged.passUnretained(session).toOpaque(), lines: self.sessionLines)
    }

    private func schedule() {
        self.scheduled = self.eventLoop.assumeIsolated().scheduleTask(deadline: self.next) { [weak self] in
            self?.fire()
        }
    }

    private func fire() {
        let now = RealtimeClientCore.now()
        // How late this frame fired: a loop with more work than it can do fires later and later.
        let lag = max(Int64(now) - Int64(self.next.uptimeNanoseconds), 0)
        for sink in self.sinks.values {
            sink.window.frames += 1
            if lag > self.interval.nanoseconds { sink.window.lateFrames += 1 }
            _ = sink.window.frameLag.record(UInt64(lag / 1000))
        }
        // Backwards: a session that ends in its frame is replaced by the phase's last, already served.
        // Each session is cold by its next frame: the one `prefetchDistance` further on is prefetched
        // while this one runs, so their cache misses overlap instead of coming one after another.
        let phase = self.nextPhase
        var index = self.phases[phase].count - 1
        if index >= 0 {
            for ahead in max(index - Self.prefetchDistance + 1, 0)...index { self.prefetchSession(self.phases[phase][ahead]) }
        }
        while index >= 0 {
            if index < self.phases[phase].count {
                let ahead = index - Self.prefetchDistance
                if ahead >= 0, ahead < self.phases[phase].count { self.prefetchSession(self.phases[phase][ahead]) }
                // Half as far ahead, the lines that session's frame reaches through its own (loaded by now).
                let near = index - Self.prefetchDistance / 2
                if near >= 0, near < self.phases[phase].count { self.phases[phase][near].prefetchFrame() }
                self.phases[phase][index].frame(now: now, due: UInt64(self.next.uptimeNanoseconds))
            }
            index -= 1
        }
        self.nextPhase = (phase + 1) % Self.phaseCount
        let current = NIODeadline.now()
        if current - self.lastMerge >= Self.mergeInterval {
            self.lastMerge = current
            self.mergeWindows()
        }
        guard self.sessionCount > 0 else {
            self.scheduled = nil
            return
        }
        self.next = self.next + self.phaseInterval
        if self.next + self.interval * 10 < current { self.next = current + self.phaseInterval }
        self.schedule()
    }
}
