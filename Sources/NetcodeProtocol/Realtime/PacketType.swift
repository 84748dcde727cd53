/// What a realtime packet carries; the `type` byte of ``PacketHeader``.
public enum PacketType: UInt8, Sendable, Hashable, CaseIterable {
    /// Client to server: the newest inputs, repeated for redundancy (``InputMessage``).
    case input = 1
    /// Server to client: the world at one tick, full or delta-encoded (``SnapshotMessage``).
    case snapshot = 2
    /// Either way: the sender is leaving; one reason byte (``DisconnectMessage``).
    case disconnect = 3
    /// Either way: no payload; keeps acks and timeouts flowing when there is nothing else to send.
    case keepalive = 4
}
