import NIOCore

/// The 13 bytes that start every realtime packet. See ``RealtimePacket`` for the layout.
public struct PacketHeader: Sendable, Hashable {
    /// The only protocol version this build speaks: the high nibble of the first byte.
    public static let version: UInt8 = 2

    public var type: PacketType
    public var sessionID: UInt32
    /// The low 16 bits of the sender's extended sequence.
    public var sequence: UInt16
    /// The newest sequence the sender has received from its peer.
    public var ack: UInt16
    /// Bit i set: the sender has also received its peer's sequence `ack - 1 - i`.
    public var ackBits: UInt32

    public init(type: PacketType, sessionID: UInt32, sequence: UInt16, ack: UInt16, ackBits: UInt32) {
        self.type = type
        self.sessionID = sessionID
        self.sequence = sequence
        self.ack = ack
        self.ackBits = ackBits
    }

    /// Appends the 13 header bytes.
    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(Self.version << 4 | type.rawValue)
        buffer.writeInteger(sessionID)
        buffer.writeInteger(sequence)
        buffer.writeInteger(ack)
        buffer.writeInteger(ackBits)
    }

    /// Checks a whole datagram's size and reads its header, without authenticating it.
    ///
    /// - Returns: the header, or why the datagram must be dropped (`oversized`, `truncated`,
    ///   `badVersion`, `unknownType`). Never traps.
    public static func parse(_ datagram: ByteBuffer) -> Result<PacketHeader, DropReason> {
        let count = datagram.readableBytes
        if count > RealtimePacket.maxPacketSize { return .failure(.oversized) }
        if count < RealtimePacket.minPacketSize { return .failure(.truncated) }
        let start = datagram.readerIndex
        guard
            let prefix = datagram.getInteger(at: start, as: UInt8.self),
            let sessionID = datagram.getInteger(at: start + 1, as: UInt32.self),
            let sequence = datagram.getInteger(at: start + 5, as: UInt16.self),
            let ack = datagram.getInteger(at: start + 7, as: UInt16.self),
            let ackBits = datagram.getInteger(at: start + 9, as: UInt32.self)
        else { return .failure(.truncated) }
        guard prefix >> 4 == Self.version else { return .failure(.badVersion) }
        guard let type = PacketType(rawValue: prefix & 0x0F) else { return .failure(.unknownType) }
        return .success(
            PacketHeader(type: type, sessionID: sessionID, sequence: sequence, ack: ack, ackBits: ackBits)
        )
    }

    /// The session id of a datagram whose size, version and type are plausible, so a server can
    /// route it to its session before authenticating it; `nil` otherwise. Authentication still decides.
    public static func peekSessionID(_ datagram: ByteBuffer) -> UInt32? {
        try? parse(datagram).get().sessionID
    }

    /// The session id field of raw datagram bytes at least a packet long, unchecked otherwise: a hint
    /// for what to prefetch before the datagram is handled. The server routes with ``peekSessionID(_:)``;
    /// a swarm's shared socket routes by the hint, since the session it names opens (parses and
    /// authenticates) every packet itself.
    public static func sessionIDHint(_ bytes: UnsafeRawBufferPointer) -> UInt32? {
        guard bytes.count >= RealtimePacket.minPacketSize, bytes.count <= RealtimePacket.maxPacketSize else { return nil }
        return UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: 1, as: UInt32.self))
    }
}
