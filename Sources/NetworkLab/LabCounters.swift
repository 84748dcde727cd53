import LinkEmulator

/// What one direction of the lab's link did since the lab was built.
///
/// `packetsRead` came out of the sending side's TUN device; the link model decided each one's fate
/// (`link`); `packetsWritten` went into the receiving side's TUN device. Packets still held for their
/// delivery time are `inFlight`.
public struct LabDirectionCounters: Sendable, Hashable, Codable {
    /// Packets and bytes read from the sending side.
    public var packetsRead = 0
    public var bytesRead = 0
    /// Of those, by IPv4 protocol.
    public var tcpPackets = 0
    public var udpPackets = 0
    public var icmpPackets = 0
    public var otherPackets = 0
    /// Packets that were not well-formed IPv4; forwarded all the same.
    public var malformedPackets = 0
    /// The link model's decisions: losses by reason, duplicates, reordered packets.
    public var link = LinkCounters()
    /// Packets dropped because every emulator buffer was holding a delayed packet
    /// (raise ``LabConfiguration/bufferCount``).
    public var droppedNoBuffer = 0
    /// Packets and bytes written into the receiving side, duplicates included.
    public var packetsWritten = 0
    public var bytesWritten = 0
    /// Writes the receiving TUN device refused; `lastWriteError` is the last errno.
    public var writeFailures = 0
    public var lastWriteError: Int32 = 0
    /// Packets waiting for their delivery time.
    public var inFlight = 0
    /// How far behind its due time the latest-delivered packet went out, and how many went out more than
    /// 1 ms late: non-zero means the emulator (or the machine) could not keep up, and delays were longer
    /// than the profile says.
    public var maximumLateness: Duration = .zero
    public var lateDeliveries = 0
    /// Packets the sending side's kernel dropped because the emulator did not read them fast enough
    /// (the TUN device's transmit drops; a queue of 500 packets). `nil` when it could not be read.
    public var kernelQueueDrops: Int?

    public init() {}

    /// Packets the link lost on purpose, for any reason the model has.
    public var dropped: Int {
        self.link.dropped
    }
}

/// Both directions of the lab's link at one moment.
public struct LabCounters: Sendable, Hashable, Codable {
    /// Client → server.
    public var upstream = LabDirectionCounters()
    /// Server → client.
    public var downstream = LabDirectionCounters()
    /// Iterations of the forwarding loop (each one a wait for packets or for a due time).
    public var loopIterations = 0

    public init() {}

    /// The direction packets leaving `side` take.
    public func sent(by side: LabSide) -> LabDirectionCounters {
        side == .client ? self.upstream : self.downstream
    }
}
