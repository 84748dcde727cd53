/// What one direction of a link does to the packets that cross it.
///
/// The defaults describe a perfect link (``none``). Probabilities are fractions in `0...1`; durations are
/// non-negative. Call ``validate()`` on values that come from users; the parsers and the scenario file
/// loader already do.
public struct ImpairmentProfile: Sendable, Hashable {
    /// Fraction of packets lost independently of each other (GameNetworkingSockets `FakePacketLoss`,
    /// Unreal `PktLoss`, netem `loss random`).
    public var loss: Double
    /// Bursty loss on top of ``loss``, or `nil` for none.
    public var burst: GilbertElliott?
    /// One-way delay added to every packet.
    public var latency: Duration
    /// Each packet's delay is drawn uniformly from `latency ± jitter`, but a packet is never delivered
    /// before the one sent ahead of it, so jitter alone never reorders, as on a real path where packets
    /// share queues (netem's plain `delay 100ms 10ms`, by contrast, reorders).
    public var jitter: Duration
    /// Fraction of packets held back by an extra ``reorderDelay``, which lets later packets overtake
    /// them (GameNetworkingSockets `FakePacketReorder_Send` with `FakePacketReorder_Time`).
    public var reorder: Double
    /// Extra delay of a held-back packet.
    public var reorderDelay: Duration
    /// Fraction of packets delivered twice; the copy draws its own jitter.
    public var duplicate: Double
    /// Bottleneck rate in bits per second, or `nil` for an unlimited link. Packets wait their turn and
    /// take `size * 8 / rate` to serialize.
    public var rateBitsPerSecond: Int?
    /// Bytes that may wait for the bottleneck before new packets are tail-dropped; `nil` for an
    /// unbounded queue. Needs ``rateBitsPerSecond``.
    public var queueLimitBytes: Int?

    /// - Parameters:
    ///   - loss: random loss fraction, `0...1`.
    ///   - burst: Gilbert-Elliott burst loss, or `nil`.
    ///   - latency: one-way delay.
    ///   - jitter: half-width of the uniform delay spread around `latency`.
    ///   - reorder: fraction of packets held back by `reorderDelay`.
    ///   - reorderDelay: extra delay of held-back packets.
    ///   - duplicate: fraction of packets sent twice.
    ///   - rateBitsPerSecond: bottleneck rate, or `nil`.
    ///   - queueLimitBytes: bottleneck queue size, or `nil` for unbounded.
    public init(
        loss: Double = 0,
        burst: GilbertElliott? = nil,
        latency: Duration = .zero,
        jitter: Duration = .zero,
        reorder: Double = 0,
        reorderDelay: Duration = .zero,
        duplicate: Double = 0,
        rateBitsPerSecond: Int? = nil,
        queueLimitBytes: Int? = nil
    ) {
        self.loss = loss
        self.burst = burst
        self.latency = latency
        self.jitter = jitter
        self.reorder = reorder
        self.reorderDelay = reorderDelay
        self.duplicate = duplicate
        self.rateBitsPerSecond = rateBitsPerSecond
        self.queueLimitBytes = queueLimitBytes
    }

    /// A perfect link: nothing lost, delayed, reordered or duplicated.
    public static let none = ImpairmentProfile()

    /// Whether this profile leaves packets untouched.
    public var isNone: Bool {
        self == .none
    }
}
