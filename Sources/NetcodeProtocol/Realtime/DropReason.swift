/// Why an incoming datagram was dropped. Every drop is counted (``DropCounters``); none is answered.
public enum DropReason: String, Error, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Shorter than a header plus a tag (21 bytes).
    case truncated
    /// Longer than ``RealtimePacket/maxPacketSize`` (1200 bytes).
    case oversized
    /// A protocol version this build does not speak (the high nibble of the first byte): another
    /// version's packet, or not a packet of this protocol at all.
    case badVersion
    /// The type byte is not one of ``PacketType``.
    case unknownType
    /// The datagram names a session that the receiver does not have (routing), or a connection
    /// received a packet carrying another session id.
    case unknownSession
    /// The authentication tag does not match: forged, corrupted, wrong key, or a replay from before the
    /// 16-bit sequence wrapped (its extended sequence no longer matches).
    case badTag
    /// An authentic packet whose sequence was already accepted (a duplicate or a replay).
    case replayed
    /// An authentic packet older than the 256-packet replay window: it cannot be told from a replay.
    case tooOld
    /// An authentic packet whose payload does not decode as its type says.
    case malformedPayload

    public var description: String { rawValue }
}

/// How many datagrams were dropped, per reason.
public struct DropCounters: Sendable, Hashable {
    private var counts: [DropReason: UInt64] = [:]

    public init() {}

    /// The number of drops for one reason.
    public subscript(reason: DropReason) -> UInt64 {
        get { counts[reason, default: 0] }
        set { counts[reason] = newValue }
    }

    /// Drops for all reasons together.
    public var total: UInt64 { counts.values.reduce(0, +) }

    /// Counts one more drop.
    public mutating func record(_ reason: DropReason) {
        counts[reason, default: 0] &+= 1
    }
}
