import NIOCore

/// One side's state for one realtime peer: sequence numbers, acks, replay protection, RTT and loss.
/// The same type serves the server (one per client) and a client (one for its server).
///
/// Pure: no sockets and no clock reads. `now` is nanoseconds of a monotonic clock shared by the
/// caller's processes. The sealed bytes do not depend on the transport, so they can also travel inside
/// TCP frames.
public struct RealtimeConnection: Sendable {
    /// The session this connection authenticates; packets naming another are dropped.
    public let sessionID: UInt32
    let authenticator: PacketAuthenticator
    /// The extended sequence the next ``seal(type:payload:now:)`` will use. Sequences start at 0.
    public private(set) var nextSequence: UInt64 = 0
    /// Cumulative counters and estimates.
    public internal(set) var stats = ConnectionStats()
    /// When the last packet was accepted / sealed, or `nil` if none yet (for keepalives and timeouts).
    public internal(set) var lastReceivedAt: UInt64?
    public private(set) var lastSentAt: UInt64?

    var received = ReplayWindow()
    var sent = SentPacketLog()
    var rtt = RTTEstimator()
    /// The newest of our sequences the peer has named in its `ack` field.
    var newestAckFromPeer: UInt64?
    /// Which of our 64 sequences up to ``newestAckFromPeer`` the peer has already acked (bit i is
    /// `newestAckFromPeer - i`), so a packet's ack bits are checked against the log only where new.
    var knownAckedMask: UInt64 = 0
    /// Our sequences below this one have been settled as delivered or lost.
    var settledBelow: UInt64 = 0
    /// The peer's sequences below this one have been settled as delivered or lost.
    var remoteSettledBelow: UInt64 = 0

    /// - Parameters:
    ///   - sessionID: the id the lobby assigned; written in every packet and required in every one received.
    ///   - keyBytes: the 32-byte session key the lobby handed out.
    public init(sessionID: UInt32, keyBytes: [UInt8]) {
        precondition(keyBytes.count == 32, "a realtime session key is 32 bytes, got \(keyBytes.count)")
        self.sessionID = sessionID
        self.authenticator = PacketAuthenticator(keyBytes: keyBytes)
    }

    /// The highest extended sequence accepted from the peer, or `nil` before the first.
    public var newestReceivedSequence: UInt64? { received.highest }

    /// Builds the next packet: assigns its sequence, the ack and ack bits of what we have received,
    /// appends the tag, and remembers the send time for RTT.
    ///
    /// - Precondition: `payload.readableBytes <= RealtimePacket.maxPayloadSize` (1179).
    public mutating func seal(type: PacketType, payload: ByteBuffer, now: UInt64) -> ByteBuffer {
        self.seal(type: type, now: now, payloadCapacity: payload.readableBytes) { $0.writeImmutableBuffer(payload) }
    }

    /// Builds the next packet with its payload written in place by `writePayload`, straight after the
    /// header in the one buffer that becomes the datagram (no second buffer, no copy). If
    /// `writePayload` throws, nothing changes: no sequence is used.
    ///
    /// - Parameter payloadCapacity: the payload size expected, to size the buffer once.
    /// - Precondition: the payload written is at most `RealtimePacket.maxPayloadSize` (1179) bytes.
    public mutating func seal<Failure: Error>(
        type: PacketType,
        now: UInt64,
        payloadCapacity: Int,
        writingPayload writePayload: (inout ByteBuffer) throws(Failure) -> Void
    ) throws(Failure) -> ByteBuffer {
        var datagram = self.startPacket(type: type, payloadCapacity: payloadCapacity)
        try writePayload(&datagram)
        self.finishPacket(&datagram, now: now)
        return datagram
    }

    /// The first half of sealing in place, for callers whose payload writer needs other state of
    /// theirs mutably (which a closure could not borrow): a buffer holding the next packet's header,
    /// with room for the payload. Append the payload, then call ``finishPacket(_:now:)`` before this
    /// connection opens or seals anything else. Changes nothing.
    ///
    /// `mutating` only so that a caller holding the connection in a class property gets it in place: a
    /// non-mutating call across modules copied the whole connection (and retained everything in it).
    public mutating func startPacket(type: PacketType, payloadCapacity: Int) -> ByteBuffer {
        var datagram = ByteBufferAllocator().buffer(capacity: RealtimePacket.minPacketSize + payloadCapacity)
        self.startPacket(type: type, in: &datagram)
        return datagram
    }

    /// Like ``startPacket(type:payloadCapacity:)``, but starts the packet at the end of `buffer`, which
    /// may hold other packets before it: its reader index moves to where this packet starts, so after
    /// ``finishPacket(_:now:)`` the readable bytes are exactly this datagram. A server writes one tick's
    /// packets one after another into one buffer this way, then hands out slices of it: one allocation
    /// per tick instead of two per packet.
    public mutating func startPacket(type: PacketType, in buffer: inout ByteBuffer) {
        let (ack, ackBits) = received.ack
        let header = PacketHeader(
            type: type,
            sessionID: sessionID,
            sequence: UInt16(truncatingIfNeeded: nextSequence),
            ack: ack,
            ackBits: ackBits
        )
        buffer.moveReaderIndex(to: buffer.writerIndex)
        header.write(to: &buffer)
    }

    /// The second half of sealing in place: appends the tag over the header and payload, and uses up
    /// the sequence (send time for RTT, counters).
    ///
    /// - Precondition: `datagram` came from ``startPacket(type:payloadCapacity:)`` for the current
    ///   sequence, and its payload is at most `RealtimePacket.maxPayloadSize` (1179) bytes.
    public mutating func finishPacket(_ datagram: inout ByteBuffer, now: UInt64) {
        let sequence = nextSequence
        precondition(
            datagram.getInteger(at: datagram.readerIndex + 5, as: UInt16.self) == UInt16(truncatingIfNeeded: sequence),
            "finishPacket needs the buffer startPacket made for this sequence"
        )
        precondition(
            datagram.readableBytes - RealtimePacket.headerSize <= RealtimePacket.maxPayloadSize,
            "realtime payload of \(datagram.readableBytes - RealtimePacket.headerSize) bytes exceeds \(RealtimePacket.maxPayloadSize)"
        )
        authenticator.appendTag(extendedSequence: sequence, to: &datagram)
        nextSequence += 1
        sent.record(sequence: sequence, sentAt: now)
        stats.packetsSent += 1
        stats.bytesSent += UInt64(datagram.readableBytes)
        lastSentAt = now
    }

    /// Counts a drop decided above this layer, such as a payload that failed to decode
    /// (`malformedPayload`). Acks in that packet were already processed: it was authentic.
    public mutating func recordDrop(_ reason: DropReason) {
        stats.drops.record(reason)
    }
}
