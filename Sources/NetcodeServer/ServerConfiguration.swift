import NIOCore
import LinkEmulator
import NetcodeProtocol

/// Everything the server can be told, with the defaults `netcode server` uses.
public struct ServerConfiguration: Sendable {
    /// Address to bind both the TCP lobby and the UDP realtime socket to.
    public var host: String
    /// TCP lobby port; 0 picks a free port (tests).
    public var tcpPort: Int
    /// UDP realtime port; 0 picks a free port (tests).
    public var udpPort: Int
    /// SQLite file; created with its folder when missing.
    public var databasePath: String
    public var serverName: String
    /// Pending TCP connections the kernel queues before `accept`.
    public var listenBacklog: Int32
    /// Lobby connections served at once; the next one is told `serverFull` and closed.
    public var maximumConnections: Int
    /// A lobby client that sends nothing for this long is told `idleTimeout` and closed. Clients keep an
    /// idle connection open with `ping`.
    public var idleTimeout: Duration
    /// Largest lobby frame payload accepted.
    public var maximumFrameSize: Int
    /// Frames a client may send per second on average, and in a burst, before it is cut off as a flood.
    public var framesPerSecond: Int
    public var frameBurst: Int
    /// Outbound bytes queued for a lobby client before it is cut off as too slow to read.
    public var maximumQueuedBytes: Int
    /// PBKDF2 rounds for new password hashes.
    public var passwordIterations: Int
    /// Failed logins allowed from one address within `loginFailureWindow` before it is refused for
    /// `loginBlockDuration`.
    public var loginFailuresAllowed: Int
    public var loginFailureWindow: Duration
    public var loginBlockDuration: Duration
    /// Accounts one address may create within `registrationWindow`; addresses in `trustedAddresses` are
    /// exempt.
    public var registrationsPerAddress: Int
    public var registrationWindow: Duration
    /// Addresses exempt from the per-address limits on registrations, connections and rooms (the local
    /// bot swarm); loopback by default.
    public var trustedAddresses: Set<String>
    /// Password hashes (logins and registrations) queued or running at once; more are refused with
    /// `serverFull` instead of waiting in an unbounded queue.
    public var maximumPendingHashes: Int
    /// Lobby connections one untrusted address may hold at once.
    public var maximumConnectionsPerAddress: Int
    /// Rooms one untrusted address may have members in at once; creating another is refused.
    public var maximumRoomsPerAddress: Int
    /// Transport of matches whose room did not choose one.
    public var defaultTransport: UpdateTransport
    public var lobbyLimits: LobbyState.Limits
    /// Time allowed for a graceful shutdown before sockets are closed regardless.
    public var shutdownGracePeriod: Duration
    /// How matches are run.
    public var match: MatchSettings
    /// Network impairment applied to the realtime socket (UDP matches), and its seed.
    public var impairment: LinkProfile?
    public var impairmentSeed: UInt64
    /// Realtime shards: event loops, each with its own UDP socket on port `udpPort + i`, that matches
    /// are spread over. One per core by default.
    public var realtimeShards: Int
    /// Share of a core (0...1) a shard may be busy before it takes no new matches; when every shard is
    /// over it, new matches wait and the room is told (`serverBusy`).
    public var tickBudget: Double
    /// TCP_NODELAY on lobby connections. On (the default) each frame leaves at once; off lets Nagle's
    /// algorithm hold small frames until the previous one is acknowledged (`netcode compare --nodelay off`).
    public var tcpNoDelay = true
    /// LAN discovery: the multicast group and port the server answers probes on, or `nil` for none.
    public var discovery: DiscoverySettings?
    /// The admin socket's path (a UNIX-domain stream socket), or nil for none.
    public var adminSocketPath: String?
    /// Port of the HTTP endpoint with `/metrics`, `/healthz` and `/readyz` on `host`; nil: off. 0 picks
    /// a free port (tests).
    public var metricsPort: Int?
    /// How long a player whose lobby connection drops during a match keeps the seat; zero: no seat is
    /// held, the player leaves at once.
    public var reconnectGrace: Duration
    /// The most a drain waits for running matches before the rest are abandoned and the server stops.
    public var drainTimeout: Duration

    public init(
        host: String = "127.0.0.1",
        tcpPort: Int = 7777,
        udpPort: Int = 7778,
        databasePath: String = "data/netcode.sqlite",
        serverName: String = "netcode",
        listenBacklog: Int32 = 256,
        maximumConnections: Int = 4096,
        idleTimeout: Duration = .seconds(30),
        maximumFrameSize: Int = LobbyFraming.defaultMaximumFrameSize,
        framesPerSecond: Int = 300,
        frameBurst: Int = 600,
        maximumQueuedBytes: Int = 1 << 20,
        passwordIterations: Int = 100_000,
        loginFailuresAllowed: Int = 5,
        loginFailureWindow: Duration = .seconds(60),
        loginBlockDuration: Duration = .seconds(30),
        registrationsPerAddress: Int = 10,
        registrationWindow: Duration = .seconds(3600),
        trustedAddresses: Set<String> = ServerConfiguration.loopbackAddresses,
        maximumPendingHashes: Int = 64,
        maximumConnectionsPerAddress: Int = 32,
        maximumRoomsPerAddress: Int = 4,
        defaultTransport: UpdateTransport = .udp,
        lobbyLimits: LobbyState.Limits = .init(),
        shutdownGracePeriod: Duration = .seconds(4),
        match: MatchSettings = MatchSettings(),
        impairment: LinkProfile? = nil,
        impairmentSeed: UInt64 = 1,
        realtimeShards: Int = System.coreCount,
        tickBudget: Double = 0.85,
        adminSocketPath: String? = nil,
        metricsPort: Int? = nil,
        reconnectGrace: Duration = .seconds(15),
        drainTimeout: Duration = .seconds(300)
    ) {
        self.adminSocketPath = adminSocketPath
        self.metricsPort = metricsPort
        self.reconnectGrace = reconnectGrace
        self.drainTimeout = drainTimeout
        self.realtimeShards = max(realtimeShards, 1)
        self.tickBudget = tickBudget
        self.match = match
        self.impairment = impairment
        self.impairmentSeed = impairmentSeed
        if let impairment { self.match.networkProfile = impairment.name }
        self.host = host
        self.tcpPort = tcpPort
        self.udpPort = udpPort
        self.databasePath = databasePath
        self.serverName = serverName
        self.listenBacklog = listenBacklog
        self.maximumConnections = maximumConnections
        self.idleTimeout = idleTimeout
        self.maximumFrameSize = maximumFrameSize
        self.framesPerSecond = framesPerSecond
        self.frameBurst = frameBurst
        self.maximumQueuedBytes = maximumQueuedBytes
        self.passwordIterations = passwordIterations
        self.loginFailuresAllowed = loginFailuresAllowed
        self.loginFailureWindow = loginFailureWindow
        self.loginBlockDuration = loginBlockDuration
        self.registrationsPerAddress = registrationsPerAddress
        self.registrationWindow = registrationWindow
        self.trustedAddresses = trustedAddresses
        self.maximumPendingHashes = maximumPendingHashes
        self.maximumConnectionsPerAddress = maximumConnectionsPerAddress
        self.maximumRoomsPerAddress = maximumRoomsPerAddress
        self.defaultTransport = defaultTransport
        self.lobbyLimits = lobbyLimits
        self.shutdownGracePeriod = shutdownGracePeriod
    }
}

extension ServerConfiguration {
    /// The addresses trusted by default: this machine.
    public static let loopbackAddresses: Set<String> = ["127.0.0.1", "::1", "::ffff:127.0.0.1"]
}
