import NIOCore
import NetcodeProtocol

/// What a match asks its host to do after a call: packets to send, drops and skipped ticks to count.
///
/// The match writes here instead of touching a socket or a clock, so the same match code runs behind a
/// shard's UDP socket and inside the tick benchmark. The host reuses one value (``reset()`` keeps the
/// capacity), so a busy loop does not allocate per call.
struct MatchOutput {
    enum Destination {
        case udp(SocketAddress)
        case tcp(LobbyConnectionHandleReference)
    }

    struct Packet {
        var bytes: ByteBuffer
        var destination: Destination
    }

    var packets: [Packet] = []
    var drops = DropCounters()
    var skippedTicks: UInt64 = 0

    init() {
        self.packets.reserveCapacity(64)
    }

    mutating func send(_ bytes: ByteBuffer, to destination: Destination) {
        self.packets.append(Packet(bytes: bytes, destination: destination))
    }

    mutating func reset() {
        self.packets.removeAll(keepingCapacity: true)
        self.drops = DropCounters()
        self.skippedTicks = 0
    }
}
