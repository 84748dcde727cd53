/// Sizes and constants of the realtime packet layout.
///
/// ```
/// offset size field
///      0    1 prefix: version (2) in the high nibble, type (PacketType) in the low nibble
///      1    4 session id
///      5    2 sequence (low 16 bits of the sender's extended sequence)
///      7    2 ack (newest sequence received from the peer; 0xFFFF before any)
///      9    4 ack bits (bit i set = peer sequence ack-1-i received)
///     13    n payload
///   13+n    8 tag = HMAC-SHA256(key, extended sequence u64 || bytes 0..<13+n), first 8 bytes
/// ```
/// All integers are big-endian.
///
/// Every byte here is paid 30 times a second by every player: a snapshot's header and tag were half of
/// its size in version 1 (16 + 16 bytes), so version 2 packs version and type into one byte, drops the
/// two magic bytes (authentication rejects foreign traffic anyway) and carries 64 bits of tag, as SRTP
/// carries 80 or 32.
public enum RealtimePacket {
    /// The largest datagram either side sends or accepts.
    public static let maxPacketSize = 1200
    /// Bytes before the payload.
    public static let headerSize = 13
    /// Bytes of authentication tag after the payload.
    public static let tagSize = 8
    /// The smallest valid packet: a header and a tag around an empty payload.
    public static let minPacketSize = headerSize + tagSize
    /// The largest payload that fits in one packet.
    public static let maxPayloadSize = maxPacketSize - headerSize - tagSize
    /// Bytes of IPv4 (20) and UDP (8) headers that every datagram also costs on the link.
    public static let ipv4UDPOverhead = 28
    /// The `ack` value sent before any packet has been received from the peer. Sequences start at 0, so
    /// a peer cannot have a packet numbered 65535 in flight that early and reads this as "nothing yet".
    public static let nothingReceivedAck: UInt16 = 0xFFFF
}
