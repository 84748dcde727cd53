import Crypto
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
    /// Our sequences below this one have been settled as delivered or lost.
    var settledBelow: UInt64 = 0

    /// - Parameters:
    ///   - sessionID: the id the lobby assigned; written in every packet and required in every one received.
    ///   - key: the 32-byte session key the lobby handed out.
    public init(sessionID: UInt32, key: SymmetricKey) {
        self.init(sessionID: sessionID, keyBytes: key.withUnsafeBytes { Array($0) })
    }

    /// - Parameters:
    ///   - sessionID: the id the lobby assigned.
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
    /// - Precondition: `payload.readableBytes <= RealtimePacket.maxPayloadSize` (1168).
    public mutating func seal(type: PacketType, payload: ByteBuffer, now: UInt64) -> ByteBuffer {
        precondition(
            payload.readableBytes <= RealtimePacket.maxPayloadSize,
            "realtime payload of \(payload.readableBytes) bytes exceeds \(RealtimePacket.maxPayloadSize)"
        )
        let sequence = nextSequence
        nextSequence += 1
        let (ack, ackBits) = received.ack
        let header = PacketHeader(
            type: type,
            sessionID: sessionID,
            sequence: UInt16(truncatingIfNeeded: sequence),
            ack: ack,
            ackBits: ackBits
        )
        var datagram = ByteBuffer()
        datagram.reserveCapacity(RealtimePacket.minPacketSize + payload.readableBytes)
        header.write(to: &datagram)
        datagram.writeImmutableBuffer(payload)
        let tag = authenticator.tag(extendedSequence: sequence, authenticated: datagram.readableBytesView)
        _ = tag.withUnsafeBytes { datagram.writeBytes(UnsafeRawBufferPointer(rebasing: $0.prefix(RealtimePacket.tagSize))) }

        sent.record(sequence: sequence, sentAt: now, size: datagram.readableBytes)
        stats.packetsSent += 1
        stats.bytesSent += UInt64(datagram.readableBytes)
        lastSentAt = now
        return datagram
    }

    /// Counts a drop decided above this layer, such as a payload that failed to decode
    /// (`malformedPayload`). Acks in that packet were already processed: it was authentic.
    public mutating func recordDrop(_ reason: DropReason) {
        stats.drops.record(reason)
    }
}
