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
    /// Server to client, UDP only: an 8-byte token sent to an address the server has not yet seen the
    /// client answer from. Nothing but challenges goes to an address until it is validated.
    case challenge = 5
    /// Client to server: the token of the newest challenge, echoed from the address it arrived at, which
    /// validates that address (as QUIC validates a path).
    case response = 6
}
