import LinkEmulator
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

    public init(
        frameRate: Int = 60,
        interpolationDelay: Duration? = nil,
        stallThreshold: Duration = .milliseconds(100),
        inputRedundancy: Int = 5,
        behaviour: BotBehaviour = .chase,
        seed: UInt64 = 1,
        silenceTimeout: Duration = .seconds(10),
        impairment: LinkProfile? = nil
    ) {
        self.impairment = impairment
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
}

/// One client's realtime session, confined to one event loop: sends inputs at the tick rate, renders
/// at the frame rate, and measures what the player sees. The transport is a closure, so the same code
/// plays over UDP and over TCP.
final class RealtimeClientCore {
    let start: MatchStart
    let options: RealtimeClientOptions
    let eventLoop: any EventLoop
    private let transmit: (ByteBuffer) -> Void
    private let live: LiveTraffic?
    private var connection: RealtimeConnection
    private var history: InputHistory
    private var snapshots = SnapshotReceiver()
    private var policy: InputPolicy
    private(set) var experience = PlayerExperience()
    private let promise: EventLoopPromise<(RealtimeEnd, PlayerExperience)>
    private var inputTimer: RepeatedTimer?
    private var frameTimer: RepeatedTimer?
    private var lastArrival: UInt64?
    private var firstTick: UInt32?
    private var newestTick: UInt32?
    private var newestSendTime: UInt64?
    private var lastAckedInput: UInt32 = 0
    private var firstPacketAt: UInt64?
    private var lastPacketAt: UInt64?
    private let startedAt: UInt64
    private var ended = false
    private let interpolationDelayNanos: UInt64
    private let stallThresholdNanos: UInt64

    var result: EventLoopFuture<(RealtimeEnd, PlayerExperience)> { self.promise.futureResult }

    init(start: MatchStart, options: RealtimeClientOptions, eventLoop: any EventLoop, live: LiveTraffic? = nil, transmit: @escaping (ByteBuffer) -> Void) {
        self.start = start
        self.live = live
        self.options = options
        self.eventLoop = eventLoop
        self.transmit = transmit
        self.connection = RealtimeConnection(sessionID: start.sessionID, keyBytes: start.sessionKey)
        self.history = InputHistory(redundancy: options.inputRedundancy)
        self.policy = InputPolicy(behaviour: options.behaviour, playerID: start.playerID, seed: options.seed)
        self.promise = eventLoop.makePromise()
        let snapshotInterval = Duration.nanoseconds(1_000_000_000 / Int64(max(start.tickRate, 1)) * Int64(max(start.snapshotInterval, 1)))
        self.interpolationDelayNanos = Self.nanos(options.interpolationDelay ?? snapshotInterval * 2)
        self.stallThresholdNanos = Self.nanos(options.stallThreshold)
        self.startedAt = Self.now()
    }

    static func now() -> UInt64 { UInt64(NIODeadline.now().uptimeNanoseconds) }

    static func nanos(_ duration: Duration) -> UInt64 {
        UInt64(max(duration.components.seconds, 0)) * 1_000_000_000 + UInt64(max(duration.components.attoseconds, 0) / 1_000_000_000)
    }

    /// Starts the timers. Input sends are scheduled by their intended times, so a slow moment is made
    /// up for rather than silently skipped.
    func run() {
        let tickInterval = TimeAmount.nanoseconds(1_000_000_000 / Int64(max(self.start.tickRate, 1)))
        let frameInterval = TimeAmount.nanoseconds(1_000_000_000 / Int64(max(self.options.frameRate, 1)))
        self.inputTimer = RepeatedTimer(eventLoop: self.eventLoop, interval: tickInterval) { [weak self] in self?.sendInput() }
        self.frameTimer = RepeatedTimer(eventLoop: self.eventLoop, interval: frameInterval) { [weak self] in self?.renderFrame() }
        self.sendInput()
    }

    private func sendInput() {
        let now = Self.now()
        if let last = self.lastPacketAt ?? Optional(self.startedAt), now > last, now - last > Self.nanos(self.options.silenceTimeout) {
            self.end(.timedOut)
            return
        }
        _ = self.history.append(self.policy.next(seeing: self.snapshots.newest?.state), now: now)
        guard let message = self.history.message() else { return }
        let packet = self.connection.seal(type: .input, payload: message.encoded(), now: now)
        self.experience.inputsSent += 1
        self.experience.packetsSent += 1
        self.experience.bytesSent += packet.readableBytes
        self.live?.sent(bytes: packet.readableBytes)
        self.transmit(packet)
    }

    /// Samples what the player sees this frame: the state at (now - interpolation delay) if the buffer
    /// reaches that far, otherwise the newest state there is, held.
    private func renderFrame() {
        guard let newestSendTime = self.newestSendTime else { return }
        let now = Self.now()
        let renderTime = now > self.interpolationDelayNanos ? now - self.interpolationDelayNanos : 0
        let shown = min(renderTime, newestSendTime)
        guard now > shown else { return }
        _ = self.experience.staleness.record((now - shown) / 1000)
        self.live?.staleness(micros: (now - shown) / 1000)
    }

    /// A packet from the server (a datagram, or a realtime frame over TCP).
    func receive(_ packet: ByteBuffer) {
        guard !self.ended else { return }
        let now = Self.now()
        switch self.connection.open(packet, now: now) {
        case .dropped:
            return
        case .accepted(let type, let payload, _):
            self.experience.packetsReceived += 1
            self.experience.bytesReceived += packet.readableBytes
            self.live?.received(bytes: packet.readableBytes, snapshot: type == .snapshot)
            if self.firstPacketAt == nil { self.firstPacketAt = now }
            self.lastPacketAt = now
            switch type {
            case .snapshot:
                self.received(snapshot: payload, now: now)
            case .disconnect:
                let reason = (try? DisconnectMessage.decode(payload))?.reason ?? .unspecified
                self.end(reason == .matchEnded ? .matchEnded : .disconnected(reason: reason.rawValue))
            case .keepalive, .input:
                break
            }
        }
    }

    private func received(snapshot payload: ByteBuffer, now: UInt64) {
        let previousNewest = self.snapshots.newest?.state.tick
        switch self.snapshots.receive(payload) {
        case .failure:
            // A missing baseline or a malformed body: the snapshot is lost to this player.
            self.experience.undecodable += 1
            return
        case .success(let message):
            let tick = message.state.tick
            if let previousNewest, tick == previousNewest {
                self.experience.duplicatesIgnored += 1
                return
            }
            if let previousNewest, tick < previousNewest {
                // Late: a newer state is already shown; an old one is worth nothing now.
                self.experience.lateIgnored += 1
                return
            }
            self.experience.snapshotsReceived += 1
            if self.firstTick == nil { self.firstTick = tick }
            self.newestTick = tick
            let sendTime = message.sendTime(receivedAt: now)
            self.newestSendTime = sendTime
            if now > sendTime { _ = self.experience.snapshotLatency.record((now - sendTime) / 1000) }
            if let last = self.lastArrival {
                let gap = now - last
                self.experience.longestGapMicros = max(self.experience.longestGapMicros, gap / 1000)
                if gap > self.stallThresholdNanos {
                    self.experience.stalls += 1
                    self.experience.longestStallMicros = max(self.experience.longestStallMicros, gap / 1000)
                }
            }
            self.lastArrival = now
            let processed = message.lastProcessedInput
            if processed > self.lastAckedInput {
                if let sampled = self.history.recordedAt(processed), now > sampled {
                    _ = self.experience.inputAcknowledgement.record((now - sampled) / 1000)
                }
                self.lastAckedInput = processed
            }
        }
    }

    /// Ends the session (idempotent): stops the timers, sends a disconnect if we are the ones leaving,
    /// and completes the result.
    func end(_ how: RealtimeEnd) {
        guard !self.ended else { return }
        self.ended = true
        self.inputTimer?.cancel()
        self.frameTimer?.cancel()
        if how == .stopped || how == .timedOut {
            let packet = self.connection.seal(type: .disconnect, payload: DisconnectMessage(reason: .clientQuit).encoded(), now: Self.now())
            self.transmit(packet)
        }
        if let first = self.firstTick, let newest = self.newestTick, newest >= first {
            self.experience.snapshotsExpected = Int(newest - first) / Int(max(self.start.snapshotInterval, 1)) + 1
        }
        if let first = self.firstPacketAt, let last = self.lastPacketAt, last > first {
            self.experience.durationSeconds = Double(last - first) / 1e9
        }
        let stats = self.connection.stats
        self.experience.rttMilliseconds = stats.smoothedRTTMilliseconds
        self.experience.lossUp = stats.lossLocalToRemote
        self.experience.lossDown = stats.lossRemoteToLocal
        self.promise.succeed((how, self.experience))
    }
}

/// A timer that fires at fixed intended times (start + k * interval), not "interval after the last
/// run", so a late wake-up doesn't shift every later one.
final class RepeatedTimer {
    private let eventLoop: any EventLoop
    private let interval: TimeAmount
    private let action: () -> Void
    private var next: NIODeadline
    private var scheduled: Scheduled<Void>?
    private var cancelled = false

    init(eventLoop: any EventLoop, interval: TimeAmount, action: @escaping () -> Void) {
        self.eventLoop = eventLoop
        self.interval = interval
        self.action = action
        self.next = .now() + interval
        self.schedule()
    }

    private func schedule() {
        self.scheduled = self.eventLoop.assumeIsolated().scheduleTask(deadline: self.next) { [weak self] in
            guard let self, !self.cancelled else { return }
            self.action()
            self.next = self.next + self.interval
            // Fell far behind (a paused process): resume from now instead of firing a burst.
            let now = NIODeadline.now()
            if self.next + self.interval * 10 < now { self.next = now + self.interval }
            if !self.cancelled { self.schedule() }
        }
    }

    func cancel() {
        self.cancelled = true
        self.scheduled?.cancel()
    }
}
