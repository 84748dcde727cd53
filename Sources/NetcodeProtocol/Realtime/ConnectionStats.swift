/// Counters and estimates for one realtime connection, in the spirit of GameNetworkingSockets'
/// connection status. Cumulative since the connection was created; take two and use
/// ``rates(since:elapsedNanoseconds:)`` for a rate over an interval.
public struct ConnectionStats: Sendable, Hashable {
    /// Packets sealed, and their bytes (whole datagrams, without IP/UDP headers).
    public internal(set) var packetsSent: UInt64 = 0
    public internal(set) var bytesSent: UInt64 = 0
    /// Packets accepted (authentic, not replayed), and their bytes.
    public internal(set) var packetsReceived: UInt64 = 0
    public internal(set) var bytesReceived: UInt64 = 0
    /// Datagrams dropped, per reason.
    public internal(set) var drops = DropCounters()
    /// Accepted packets that arrived after a newer one.
    public internal(set) var outOfOrder: UInt64 = 0
    /// Our packets the peer has acked.
    public internal(set) var packetsAcked: UInt64 = 0
    /// Our packets never acked by the time they left the peer's ack window (more than 32 behind the
    /// newest of ours it acked).
    public internal(set) var packetsLostLocalToRemote: UInt64 = 0
    /// Our packets acked among those that have left the ack window. Lost plus delivered is the
    /// denominator of the loss ratio: packets still inside the window are in neither.
    public internal(set) var packetsDeliveredLocalToRemote: UInt64 = 0
    /// Peer packets that left our ack window (more than 32 behind the newest we accepted) without having
    /// been accepted while inside it: the peer can never see them acked, and counts them lost too.
    public internal(set) var packetsLostRemoteToLocal: UInt64 = 0
    /// Peer packets accepted while inside our ack window, among those that have left it.
    public internal(set) var packetsDeliveredRemoteToLocal: UInt64 = 0
    /// One more than the highest extended sequence accepted from the peer: how many packets it has sent
    /// as far as we can tell (its sequences start at 0).
    public internal(set) var remotePacketsExpected: UInt64 = 0
    /// The newest round-trip sample, the smoothed RTT and the RTT variation (jitter), in nanoseconds;
    /// `nil` until the first ack.
    public internal(set) var latestRTT: UInt64?
    public internal(set) var smoothedRTT: UInt64?
    public internal(set) var rttVariation: UInt64?

    public init() {}

    /// Authentic copies of packets already accepted (network duplicates or replays).
    public var duplicates: UInt64 { drops[.replayed] }

    /// Fraction of the peer's packets that did not arrive while they could still be acked, over those
    /// that left our ack window; `nil` until one has. The same rule as ``lossLocalToRemote`` applied to
    /// the other direction, so the peer's local-to-remote figure for these packets is the same number.
    public var lossRemoteToLocal: Double? {
        let settled = packetsLostRemoteToLocal + packetsDeliveredRemoteToLocal
        return settled == 0 ? nil : Double(packetsLostRemoteToLocal) / Double(settled)
    }

    /// Fraction of our packets the peer never acked, over those that left its ack window; `nil` until one
    /// has. Packets still inside the window count in neither part.
    public var lossLocalToRemote: Double? {
        let settled = packetsLostLocalToRemote + packetsDeliveredLocalToRemote
        return settled == 0 ? nil : Double(packetsLostLocalToRemote) / Double(settled)
    }

    /// The smoothed RTT in milliseconds, for reports.
    public var smoothedRTTMilliseconds: Double? { smoothedRTT.map { Double($0) / 1_000_000 } }

    /// The RTT variation in milliseconds, for reports.
    public var rttVariationMilliseconds: Double? { rttVariation.map { Double($0) / 1_000_000 } }

    /// Traffic per second between an earlier snapshot of these stats and this one.
    ///
    /// - Parameters:
    ///   - earlier: stats taken at the start of the interval (use `ConnectionStats()` for "since the start").
    ///   - elapsedNanoseconds: the length of the interval, on the same clock the caller passes as `now`.
    public func rates(since earlier: ConnectionStats, elapsedNanoseconds: UInt64) -> ConnectionRates {
        guard elapsedNanoseconds > 0 else { return ConnectionRates() }
        let seconds = Double(elapsedNanoseconds) / 1_000_000_000
        func perSecond(_ now: UInt64, _ before: UInt64) -> Double {
            now >= before ? Double(now - before) / seconds : 0
        }
        return ConnectionRates(
            bytesSentPerSecond: perSecond(bytesSent, earlier.bytesSent),
            bytesReceivedPerSecond: perSecond(bytesReceived, earlier.bytesReceived),
            packetsSentPerSecond: perSecond(packetsSent, earlier.packetsSent),
            packetsReceivedPerSecond: perSecond(packetsReceived, earlier.packetsReceived)
        )
    }
}

/// Traffic rates over an interval; bytes are whole datagrams without IP/UDP headers.
public struct ConnectionRates: Sendable, Hashable {
    public var bytesSentPerSecond: Double
    public var bytesReceivedPerSecond: Double
    public var packetsSentPerSecond: Double
    public var packetsReceivedPerSecond: Double

    public init(
        bytesSentPerSecond: Double = 0,
        bytesReceivedPerSecond: Double = 0,
        packetsSentPerSecond: Double = 0,
        packetsReceivedPerSecond: Double = 0
    ) {
        self.bytesSentPerSecond = bytesSentPerSecond
        self.bytesReceivedPerSecond = bytesReceivedPerSecond
        self.packetsSentPerSecond = packetsSentPerSecond
        self.packetsReceivedPerSecond = packetsReceivedPerSecond
    }

    /// Bits per second on the link in each direction, counting `overheadPerPacket` bytes of lower-layer
    /// headers per datagram (28 for IPv4 + UDP, ``RealtimePacket/ipv4UDPOverhead``).
    public func linkBitsPerSecond(overheadPerPacket: Int = RealtimePacket.ipv4UDPOverhead) -> (sent: Double, received: Double) {
        let overhead = Double(overheadPerPacket)
        return (
            sent: 8 * (bytesSentPerSecond + overhead * packetsSentPerSecond),
            received: 8 * (bytesReceivedPerSecond + overhead * packetsReceivedPerSecond)
        )
    }
}
