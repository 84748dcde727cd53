/// What a ``LinkModel`` did so far.
///
/// `delivered` counts scheduled deliveries, copies included, so
/// `delivered == submitted - dropped + duplicated` always holds.
public struct LinkCounters: Sendable, Hashable, Codable {
    /// Packets offered to the link.
    public var submitted = 0
    /// Deliveries scheduled, including duplicate copies.
    public var delivered = 0
    /// Packets lost to independent random loss.
    public var droppedRandom = 0
    /// Packets lost to Gilbert-Elliott burst loss.
    public var droppedBurst = 0
    /// Packets tail-dropped because the bottleneck queue was full.
    public var droppedQueue = 0
    /// Packets delivered twice.
    public var duplicated = 0
    /// Packets held back by the reorder delay.
    public var reordered = 0
    /// Bytes offered to the link.
    public var bytesSubmitted = 0
    /// Bytes scheduled for delivery, copies included.
    public var bytesDelivered = 0

    public init() {}

    /// Packets lost for any reason.
    public var dropped: Int {
        self.droppedRandom + self.droppedBurst + self.droppedQueue
    }
}
