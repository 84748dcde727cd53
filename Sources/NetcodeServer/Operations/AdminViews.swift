/// What the admin socket answers with: plain values, encoded as JSON (docs/OPERATIONS.md).

/// One running match.
public struct AdminMatchView: Sendable, Codable, Hashable {
    public struct Player: Sendable, Codable, Hashable {
        public var name: String
        public var accountID: UInt64
        public var playerID: UInt8
        public var score: UInt16
        public var connected: Bool
        /// The lobby connection dropped and the seat is held for a reconnection.
        public var awaitingReconnect: Bool
    }

    public var matchID: UInt64
    public var roomID: UInt32
    public var room: String
    public var shard: Int
    public var transport: String
    public var tick: UInt32
    public var durationTicks: UInt32
    public var players: [Player]
}

/// A player's realtime session, live.
public struct AdminSessionStats: Sendable, Codable, Hashable {
    public var matchID: UInt64
    public var shard: Int
    public var sessionID: UInt32
    public var transport: String
    public var connected: Bool
    public var awaitingReconnect: Bool
    /// The validated address snapshots go to (udp matches).
    public var address: String?
    public var rttMs: Double?
    public var jitterMs: Double?
    /// Loss from the client to the server (up) and from the server to the client (down), 0...1.
    public var lossUp: Double?
    public var lossDown: Double?
    public var outOfOrder: UInt64
    public var duplicates: UInt64
    public var packetsIn: UInt64
    public var packetsOut: UInt64
    /// Averages since the session began.
    public var bytesInPerSecond: Double
    public var bytesOutPerSecond: Double
    public var sessionSeconds: Double
}

/// The kernel-granted buffer sizes of a socket (what `getsockopt` reads back: Linux doubles the asked
/// size for its bookkeeping and caps it at `net.core.rmem_max`/`wmem_max`).
public struct AdminSocketBuffers: Sendable, Codable, Hashable {
    public var receiveBytes: Int
    public var sendBytes: Int
}

/// `stats PLAYER`: the lobby side and, during a match, the realtime session.
public struct AdminPlayerStats: Sendable, Codable, Hashable {
    public var player: LobbyState.PlayerView
    public var session: AdminSessionStats?
    /// The player's lobby (TCP) socket, while connected.
    public var lobbySocket: AdminSocketBuffers?
    /// The UDP socket of the shard the player's match runs on.
    public var shardSocket: AdminSocketBuffers?
}

/// `status`.
public struct AdminStatus: Sendable, Codable, Hashable {
    public var server: String
    public var pid: Int32
    public var uptimeSeconds: Double
    public var ready: Bool
    public var draining: Bool
    public var connections: Int
    public var players: Int
    public var rooms: Int
    public var matches: Int
    public var sessions: Int
    public var shards: Int
    public var tcpPort: Int?
    public var udpPorts: [Int]
    public var metricsPort: Int?
}
