import NIOCore

/// The payload of `challenge` and `response` packets: an 8-byte token (big-endian u64).
///
/// A server streams snapshots only to an address the client has proven it receives at: before the
/// first snapshot, and again whenever authentic packets start coming from elsewhere (NAT rebinding, or
/// a spoofed source), the server sends a challenge there and waits for the token to come back from that
/// address. A challenge (29 bytes) is only ever sent in answer to a packet at least as large, so no
/// address can be made to receive more than was sent in its name.
public struct PathChallenge: Sendable, Hashable {
    public static let size = 8
    /// A whole challenge or response packet: header, token, tag.
    public static let packetSize = RealtimePacket.headerSize + size + RealtimePacket.tagSize

    public var token: UInt64

    public init(token: UInt64) {
        self.token = token
    }

    public func encoded() -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(self.token)
        return buffer
    }

    public static func decode(_ payload: ByteBuffer) throws(RealtimeDecodingError) -> PathChallenge {
        guard payload.readableBytes == size, let token = payload.getInteger(at: payload.readerIndex, as: UInt64.self) else {
            throw .malformed("a challenge or response carries 8 bytes, got \(payload.readableBytes)")
        }
        return PathChallenge(token: token)
    }
}
