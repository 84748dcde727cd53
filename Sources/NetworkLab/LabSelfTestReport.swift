/// What ``NetworkLab/runSelfTest(_:)`` sends across the link.
public struct LabSelfTestOptions: Sendable, Hashable {
    /// UDP echo requests sent from the client side to the server side.
    public let pings: Int
    /// Time between two requests (they are sent on schedule, not after each reply).
    public let pingInterval: Duration
    /// Bytes sent over one TCP connection from the client side to the server side.
    public let tcpBytes: Int
    /// Ports on the server side's address.
    public let udpPort: UInt16
    public let tcpPort: UInt16
    /// Give up on any one phase after this long.
    public let timeout: Duration
    /// Seeds the TCP payload, whose hash proves it arrived intact.
    public let payloadSeed: UInt64

    public init(
        pings: Int = 200,
        pingInterval: Duration = .milliseconds(5),
        tcpBytes: Int = 256 * 1024,
        udpPort: UInt16 = 7101,
        tcpPort: UInt16 = 7102,
        timeout: Duration = .seconds(30),
        payloadSeed: UInt64 = 1
    ) {
        self.pings = pings
        self.pingInterval = pingInterval
        self.tcpBytes = tcpBytes
        self.udpPort = udpPort
        self.tcpPort = tcpPort
        self.timeout = timeout
        self.payloadSeed = payloadSeed
    }
}

/// Order statistics of a set of delays.
public struct LabLatencySummary: Sendable, Hashable {
    public let count: Int
    public let minimum: Duration
    public let median: Duration
    public let p90: Duration
    public let p99: Duration
    public let maximum: Duration

    /// Nearest-rank percentiles; `nil` for no samples.
    public init?(_ samples: [Duration]) {
        guard !samples.isEmpty else { return nil }
        let sorted = samples.sorted()
        func rank(_ fraction: Double) -> Duration {
            let index = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
            return sorted[min(max(index, 0), sorted.count - 1)]
        }
        self.count = sorted.count
        self.minimum = sorted[0]
        self.median = rank(0.5)
        self.p90 = rank(0.9)
        self.p99 = rank(0.99)
        self.maximum = sorted[sorted.count - 1]
    }
}

/// The UDP echo phase: what crossed each way and how long it took.
public struct LabUDPReport: Sendable, Hashable {
    /// Requests sent by the client side.
    public var sent = 0
    /// Distinct requests the server side received (and echoed).
    public var reachedServer = 0
    /// Distinct replies back at the client side.
    public var repliesReceived = 0
    /// Extra copies of requests the server side received (upstream duplication).
    public var duplicates = 0
    /// Extra replies the client side received: echoes of duplicated requests plus downstream duplication.
    public var duplicateReplies = 0
    /// Round trips, client to server and back.
    public var roundTrip: LabLatencySummary?
    /// Client → server and server → client delays, measured on the shared monotonic clock.
    public var upstream: LabLatencySummary?
    public var downstream: LabLatencySummary?

    public init() {}

    /// Requests that never reached the server side.
    public var upstreamLoss: Double {
        self.sent == 0 ? 0 : Double(self.sent - self.reachedServer) / Double(self.sent)
    }

    /// Echoes the server side sent that never came back.
    public var downstreamLoss: Double {
        self.reachedServer == 0 ? 0 : Double(self.reachedServer - self.repliesReceived) / Double(self.reachedServer)
    }

    /// Requests without a reply.
    public var roundTripLoss: Double {
        self.sent == 0 ? 0 : Double(self.sent - self.repliesReceived) / Double(self.sent)
    }
}

/// The TCP phase: one connection, one bulk transfer from the client side to the server side.
public struct LabTCPReport: Sendable, Hashable {
    public var bytesSent = 0
    public var bytesReceived = 0
    /// Byte count and FNV-1a hash matched what was sent.
    public var intact = false
    /// From connect to the server's confirmation.
    public var duration: Duration = .zero
    /// The sender's TCP_INFO at the end: segments it retransmitted, its smoothed RTT and RTO.
    public var retransmissions = 0
    public var smoothedRoundTrip: Duration = .zero
    public var retransmissionTimeout: Duration = .zero
    /// The client side kernel's counters over the phase: `Tcp.RetransSegs` and `TcpExt.TCPTimeouts`.
    public var kernelRetransmittedSegments = 0
    public var kernelTimeouts = 0

    public init() {}

    public var bytesPerSecond: Double {
        let seconds = Double(self.duration.components.seconds) + Double(self.duration.components.attoseconds) * 1e-18
        return seconds > 0 ? Double(self.bytesReceived) / seconds : 0
    }
}

/// The self-test's findings.
public struct LabSelfTestReport: Sendable, Hashable {
    public var udp = LabUDPReport()
    public var tcp = LabTCPReport()
    /// The link's counters at the end of the test.
    public var link = LabCounters()

    public init() {}
}
