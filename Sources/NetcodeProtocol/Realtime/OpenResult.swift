import NIOCore

/// What ``RealtimeConnection/open(_:now:)`` made of a datagram.
public enum OpenResult: Sendable, Equatable {
    /// An authentic, new packet. `payload` is the bytes between header and tag (decode it by `type`);
    /// `newlyAcked` lists, ascending, our extended sequences that this packet acknowledged for the first time.
    case accepted(PacketType, payload: ByteBuffer, newlyAcked: AckedSequences)
    /// The datagram was dropped and counted in ``ConnectionStats/drops``; nothing else changed.
    case dropped(DropReason)
}
