import NIOCore
@_exported import NetcodeTransport

/// The lobby protocol version carried in `hello` and `welcome`. A mismatch is refused with
/// `LobbyErrorCode.unsupportedVersion`.
public let lobbyProtocolVersion: UInt16 = 1

/// Summary of one room, as listed by `roomList`.
public struct RoomSummary: Sendable, Hashable {
    public var id: UInt32
    public var name: String
    public var playerCount: UInt8
    public var maxPlayers: UInt8
    public var inMatch: Bool
    public var transport: UpdateTransport

    public init(id: UInt32, name: String, playerCount: UInt8, maxPlayers: UInt8, inMatch: Bool, transport: UpdateTransport) {
        self.id = id
        self.name = name
        self.playerCount = playerCount
        self.maxPlayers = maxPlayers
        self.inMatch = inMatch
        self.transport = transport
    }
}

/// One member of a room, as pushed in `roomState`.
public struct RoomMember: Sendable, Hashable {
    public var accountID: UInt64
    public var name: String
    public var ready: Bool

    public init(accountID: UInt64, name: String, ready: Bool) {
        self.accountID = accountID
        self.name = name
        self.ready = ready
    }
}

/// Everything a client needs to join a match's realtime stream.
public struct MatchStart: Sendable, Hashable {
    public var matchID: UInt64
    /// Identifies this player's realtime session in every packet header.
    public var sessionID: UInt32
    /// 32-byte key that authenticates this player's realtime packets in both directions.
    public var sessionKey: [UInt8]
    /// The UDP port to send inputs to (on the lobby's host). Meaningful when `transport == .udp`.
    public var udpPort: UInt16
    public var transport: UpdateTransport
    /// This player's id inside the match's world.
    public var playerID: UInt8
    public var tickRate: UInt16
    /// A snapshot is sent every this many ticks.
    public var snapshotInterval: UInt16
    public var durationTicks: UInt32
    /// Arena size in meters, needed to dequantize positions.
    public var arenaWidth: UInt16
    public var arenaHeight: UInt16
    /// Every player of the match, this one included, in player id order: snapshots name players by id
    /// only, so this is how a client shows who is who during the match.
    public var roster: [MatchRosterEntry]

    public init(
        matchID: UInt64, sessionID: UInt32, sessionKey: [UInt8], udpPort: UInt16, transport: UpdateTransport,
        playerID: UInt8, tickRate: UInt16, snapshotInterval: UInt16, durationTicks: UInt32,
        arenaWidth: UInt16, arenaHeight: UInt16, roster: [MatchRosterEntry] = []
    ) {
        self.matchID = matchID
        self.sessionID = sessionID
        self.sessionKey = sessionKey
        self.udpPort = udpPort
        self.transport = transport
        self.playerID = playerID
        self.tickRate = tickRate
        self.snapshotInterval = snapshotInterval
        self.durationTicks = durationTicks
        self.arenaWidth = arenaWidth
        self.arenaHeight = arenaHeight
        self.roster = roster
    }

    /// The roster entry of the player with `playerID`, if the match has one.
    public func player(_ playerID: UInt8) -> MatchRosterEntry? {
        self.roster.first { $0.playerID == playerID }
    }
}

/// One player of a match, as `matchStarting` lists them: who is behind a player id in the snapshots.
public struct MatchRosterEntry: Sendable, Hashable {
    public var playerID: UInt8
    public var accountID: UInt64
    public var name: String

    public init(playerID: UInt8, accountID: UInt64, name: String) {
        self.playerID = playerID
        self.accountID = accountID
        self.name = name
    }
}

/// One line of a match's final standings, as announced in `matchEnded`.
public struct MatchStanding: Sendable, Hashable {
    public var playerID: UInt8
    public var accountID: UInt64
    public var name: String
    public var score: UInt16
    public var rank: UInt8
    public var connected: Bool

    public init(playerID: UInt8, accountID: UInt64, name: String, score: UInt16, rank: UInt8, connected: Bool) {
        self.playerID = playerID
        self.accountID = accountID
        self.name = name
        self.score = score
        self.rank = rank
        self.connected = connected
    }
}

/// Messages a client sends on the lobby connection. Wire format: docs/PROTOCOL.md, "Lobby messages".
public enum ClientMessage: Sendable, Hashable {
    case hello(version: UInt16, client: String)
    case register(name: String, password: String)
    case login(name: String, password: String)
    case logout
    /// The first page of rooms, in id order.
    case listRooms
    /// The next page: rooms whose id is greater than the last one of the page before.
    case listRoomsAfter(UInt32)
    /// `transport == nil` lets the server choose its default.
    case createRoom(name: String, maxPlayers: UInt8, transport: UpdateTransport?)
    case joinRoom(id: UInt32)
    case leaveRoom
    case chat(text: String)
    case setReady(Bool)
    case ping(nonce: UInt64)
    /// A realtime packet carried over TCP (matches whose transport is `.tcp`).
    case realtime(ByteBuffer)
}

/// Messages the server sends on the lobby connection. Wire format: docs/PROTOCOL.md, "Lobby messages".
public enum ServerMessage: Sendable, Hashable {
    case welcome(version: UInt16, server: String, maximumFrameSize: UInt32)
    case loggedIn(accountID: UInt64, name: String, newAccount: Bool)
    case roomList([RoomSummary])
    case roomState(RoomSummary, members: [RoomMember])
    case chatMessage(roomID: UInt32, fromAccount: UInt64, fromName: String, text: String)
    case matchStarting(MatchStart)
    case matchEnded(matchID: UInt64, standings: [MatchStanding])
    case error(code: LobbyErrorCode, message: String)
    case goingAway(reason: String)
    /// The server is draining before a restart: no new logins or matches; running matches finish, then
    /// the server goes away. `secondsLeft` is the most the drain waits for them.
    case draining(reason: String, secondsLeft: UInt32)
    case pong(nonce: UInt64)
    case leftRoom
    case loggedOut
    case realtime(ByteBuffer)
}

/// Message type bytes: the first byte of every frame. Client messages are below 0x80, server messages above.
public enum LobbyMessageType: UInt8, Sendable {
    case hello = 0x01, register = 0x02, login = 0x03, logout = 0x04, listRooms = 0x05, createRoom = 0x06
    case joinRoom = 0x07, leaveRoom = 0x08, chat = 0x09, setReady = 0x0A, ping = 0x0B, clientRealtime = 0x0C
    case welcome = 0x81, loggedIn = 0x82, roomList = 0x83, roomState = 0x84, chatMessage = 0x85
    case matchStarting = 0x86, matchEnded = 0x87, error = 0x88, goingAway = 0x89, pong = 0x8A
    case leftRoom = 0x8B, loggedOut = 0x8C, serverRealtime = 0x8D, draining = 0x8E
}
