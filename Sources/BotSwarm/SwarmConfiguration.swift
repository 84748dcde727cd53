import NetcodeClient
import NetcodeProtocol

/// Everything `netcode bots` can be told.
public struct SwarmConfiguration: Sendable {
    public var host: String
    public var tcpPort: Int
    /// Address the bots' UDP sockets bind.
    public var localHost: String
    public var count: Int
    /// Bots started per second.
    public var rampPerSecond: Double
    /// Bots stop queueing for new matches after this long (matches under way finish). nil: use `matches`.
    public var duration: Duration?
    /// Matches each bot plays before it leaves (when `duration` is nil).
    public var matches: Int
    public var roomSize: Int
    public var transport: UpdateTransport?
    public var seed: UInt64
    public var behaviours: [BotBehaviour]
    public var client: RealtimeClientOptions
    /// Prefix of the bots' account names; index and seed are appended.
    public var namePrefix: String
    public var password: String
    /// A room that hasn't filled after this long starts with whoever is there (at least two).
    public var queueTimeout: Duration
    /// How long a bot waits for a match to start once everyone is ready.
    public var startTimeout: Duration
    public var thresholds: SwarmThresholds
    /// How long a bot keeps retrying to connect (a server that is still starting).
    public var connectPatience: Duration
    /// TCP_NODELAY on the bots' lobby connections (off only to measure Nagle's algorithm).
    public var tcpNoDelay = true
    /// In each match, every this long a bot drops its lobby connection and realtime session without a
    /// word (as a network change would), logs in again and resumes the match. nil: never.
    public var reconnectEvery: Duration?

    public init(
        host: String = "127.0.0.1",
        tcpPort: Int = 7777,
        localHost: String = "0.0.0.0",
        count: Int = 20,
        rampPerSecond: Double = 50,
        duration: Duration? = nil,
        matches: Int = 1,
        roomSize: Int = 4,
        transport: UpdateTransport? = nil,
        seed: UInt64 = 1,
        behaviours: [BotBehaviour] = [.chase, .wander],
        client: RealtimeClientOptions = RealtimeClientOptions(),
        namePrefix: String = "bot",
        password: String = "swarm-password",
        queueTimeout: Duration = .seconds(10),
        startTimeout: Duration = .seconds(30),
        thresholds: SwarmThresholds = SwarmThresholds(),
        connectPatience: Duration = .seconds(5),
        reconnectEvery: Duration? = nil
    ) {
        self.reconnectEvery = reconnectEvery
        self.connectPatience = connectPatience
        self.host = host
        self.tcpPort = tcpPort
        self.localHost = localHost
        self.count = count
        self.rampPerSecond = rampPerSecond
        self.duration = duration
        self.matches = matches
        self.roomSize = roomSize
        self.transport = transport
        self.seed = seed
        self.behaviours = behaviours
        self.client = client
        self.namePrefix = namePrefix
        self.password = password
        self.queueTimeout = queueTimeout
        self.startTimeout = startTimeout
        self.thresholds = thresholds
    }
}

/// Limits that make the run fail (non-zero exit) when missed.
public struct SwarmThresholds: Sendable, Hashable {
    public var maximumP99Staleness: Duration?
    public var maximumP99Latency: Duration?
    public var minimumDelivery: Double?
    public var maximumErrors: Int?

    public init(maximumP99Staleness: Duration? = nil, maximumP99Latency: Duration? = nil, minimumDelivery: Double? = nil, maximumErrors: Int? = nil) {
        self.maximumP99Staleness = maximumP99Staleness
        self.maximumP99Latency = maximumP99Latency
        self.minimumDelivery = minimumDelivery
        self.maximumErrors = maximumErrors
    }
}
