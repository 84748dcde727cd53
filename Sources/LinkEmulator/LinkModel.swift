import SeededRandom

/// One direction of an impaired link, as a pure function of a seed and the packets offered to it.
///
/// The model never reads a clock and knows nothing about packet contents or sockets: the caller says
/// when a packet of some size arrives (`at`, a `Duration` since any origin, never decreasing) and gets
/// back when it should come out, if at all. The caller holds the packet until then, for example in a
/// ``DeliveryQueue``. The same seed and the same submissions always give the same decisions.
///
/// Order of effects for each packet: burst loss, random loss, the bottleneck queue
/// (tail drop, then serialization at the rate), latency with jitter (never earlier than the packet
/// before it), then the reorder hold-back. A duplicate is serialized behind its original and draws its
/// own jitter; it is never lost, held back or duplicated again.
public struct LinkModel: Sendable {
    public let profile: ImpairmentProfile
    /// Running totals since the model was created.
    public private(set) var counters = LinkCounters()

    // One stream per impairment, each drawn exactly once per submitted packet while that impairment is
    // on, so the packets one impairment hits do not change when another impairment is turned on.
    private var burstRandom: SplitMix64
    private var lossRandom: SplitMix64
    private var reorderRandom: SplitMix64
    private var duplicateRandom: SplitMix64
    private var delayRandom: SplitMix64
    private var duplicateDelayRandom: SplitMix64

    private var burstChannel: GilbertElliottChannel?
    private let jitterNanoseconds: UInt64
    /// When the bottleneck finishes sending what it has accepted so far.
    private var bottleneckFreeAt: Duration?
    /// The latest delivery time of a packet that was not held back; later packets never arrive before it.
    private var inOrderFloor: Duration?

    /// - Parameters:
    ///   - profile: a valid profile (see ``ImpairmentProfile/validate()``); an invalid one is a
    ///     programming error and stops the process.
    ///   - seed: any value; record it to replay the same network.
    public init(profile: ImpairmentProfile, seed: UInt64) {
        do {
            try profile.validate()
        } catch {
            preconditionFailure("LinkModel needs a valid profile: \(error)")
        }
        self.profile = profile
        self.burstRandom = SplitMix64(seed: seed, stream: 1)
        self.lossRandom = SplitMix64(seed: seed, stream: 2)
        self.reorderRandom = SplitMix64(seed: seed, stream: 3)
        self.duplicateRandom = SplitMix64(seed: seed, stream: 4)
        self.delayRandom = SplitMix64(seed: seed, stream: 5)
        self.duplicateDelayRandom = SplitMix64(seed: seed, stream: 6)
        self.burstChannel = profile.burst.map(GilbertElliottChannel.init)
        self.jitterNanoseconds = UInt64(profile.jitter.wholeNanoseconds)
    }

    /// Decides the fate of a packet of `size` bytes offered at `now`.
    public mutating func submit(size: Int, at now: Duration) -> Decision {
        precondition(size >= 0, "a packet cannot have a negative size")
        self.counters.submitted += 1
        self.counters.bytesSubmitted += size

        let burstLost = self.burstChannel?.nextIsLost(using: &self.burstRandom) ?? false
        let randomLost = self.profile.loss > 0 && self.lossRandom.chance(self.profile.loss)
        let heldBack = self.profile.reorder > 0 && self.reorderRandom.chance(self.profile.reorder)
        let copied = self.profile.duplicate > 0 && self.duplicateRandom.chance(self.profile.duplicate)
        let delay = self.sampleDelay(using: &self.delayRandom)
        let copyDelay = self.profile.duplicate > 0 ? self.sampleDelay(using: &self.duplicateDelayRandom) : delay

        if burstLost {
            self.counters.droppedBurst += 1
            return .dropped(.burstLoss)
        }
        if randomLost {
            self.counters.droppedRandom += 1
            return .dropped(.randomLoss)
        }
        guard let departure = self.enterBottleneck(size: size, at: now) else {
            self.counters.droppedQueue += 1
            return .dropped(.queueOverflow)
        }

        var due = self.keepingOrder(departure + delay)
        if heldBack {
            due += self.profile.reorderDelay
            self.counters.reordered += 1
        } else {
            self.inOrderFloor = due
        }
        self.counters.delivered += 1
        self.counters.bytesDelivered += size

        var duplicateDue: Duration?
        // A copy that finds the queue full is simply not made.
        if copied, let copyDeparture = self.enterBottleneck(size: size, at: now) {
            let copyDue = self.keepingOrder(copyDeparture + copyDelay)
            self.inOrderFloor = copyDue
            duplicateDue = copyDue
            self.counters.duplicated += 1
            self.counters.delivered += 1
            self.counters.bytesDelivered += size
        }
        return Decision(due: due, duplicateDue: duplicateDue, dropReason: nil, isReordered: heldBack)
    }

    /// `latency ± jitter`, uniform, never negative.
    private func sampleDelay(using random: inout SplitMix64) -> Duration {
        guard self.jitterNanoseconds > 0 else { return self.profile.latency }
        let offset = Int64(random.uniform(upTo: 2 * self.jitterNanoseconds)) - Int64(self.jitterNanoseconds)
        return max(.zero, self.profile.latency + .nanoseconds(offset))
    }

    private func keepingOrder(_ due: Duration) -> Duration {
        guard let floor = self.inOrderFloor else { return due }
        return max(due, floor)
    }

    /// Queues the packet behind the bottleneck and returns when its last bit leaves, or `nil` when the
    /// queue has no room. Without a rate the packet leaves at once.
    private mutating func enterBottleneck(size: Int, at now: Duration) -> Duration? {
        guard let rate = self.profile.rateBitsPerSecond else { return now }
        let freeAt = self.bottleneckFreeAt.map { max($0, now) } ?? now
        if let limit = self.profile.queueLimitBytes {
            let waitingBits = Self.bits(in: freeAt - now, at: rate)
            if waitingBits + size * 8 > limit * 8 { return nil }
        }
        let finish = freeAt + .seconds(size * 8) / rate
        self.bottleneckFreeAt = finish
        return finish
    }

    /// Whole bits a link of `rate` sends in `duration` (exact integer arithmetic, so queue limits
    /// behave the same on every platform).
    static func bits(in duration: Duration, at rate: Int) -> Int {
        let (seconds, attoseconds) = duration.components
        let product = Int(attoseconds).multipliedFullWidth(by: rate)
        let (fraction, _) = 1_000_000_000_000_000_000.dividingFullWidth(product)
        return Int(seconds) * rate + fraction
    }
}
