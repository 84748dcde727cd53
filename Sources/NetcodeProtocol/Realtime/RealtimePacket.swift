/// Sizes and constants of the realtime packet layout.
///
/// ```
/// offset size field
///      0    2 magic 0x4E43 ("NC")
///      2    1 version (1)
///      3    1 type (PacketType)
///      4    4 session id
///      8    2 sequence (low 16 bits of the sender's extended sequence)
///     10    2 ack (newest sequence received from the peer; 0xFFFF before any)
///     12    4 ack bits (bit i set = peer sequence ack-1-i received)
///     16    n payload
///   16+n   16 tag = HMAC-SHA256(key, extended sequence u64 || bytes 0..<16+n), first 16 bytes
/// ```
/// All integers are big-endian.
public enum RealtimePacket {
    /// The largest datagram either side sends or accepts.
    public static let maxPacketSize = 1200
    /// Bytes before the payload.
    public static let headerSize = 16
    /// Bytes of authentication tag after the payload.
    public static let tagSize = 16
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
