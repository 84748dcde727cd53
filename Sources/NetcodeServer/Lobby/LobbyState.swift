import NetcodeProtocol

/// Identifies one lobby connection for as long as it is open.
public typealias ConnectionID = UInt64

/// An authenticated account as the lobby knows it.
public struct LobbyAccount: Sendable, Hashable {
    public var id: UInt64
    public var name: String

    public init(id: UInt64, name: String) {
        self.id = id
        self.name = name
    }
}

/// What the lobby asks its driver to verify: the password work and the database are not the lobby's.
public struct AuthenticationRequest: Sendable, Hashable {
    public enum Kind: Sendable, Hashable { case register, login }
    public var kind: Kind
    public var name: String
    public var password: String
}

/// A room whose members are all ready: the driver allocates the match and its sessions.
public struct MatchLaunch: Sendable, Hashable {
    public struct Player: Sendable, Hashable {
        public var connection: ConnectionID
        public var account: LobbyAccount
    }

    public var roomID: UInt32
    public var roomName: String
    public var transport: UpdateTransport
    public var players: [Player]
}

/// The lobby's rules, free of sockets, clocks and databases: events in, actions out.
///
/// The driver (``LobbyService``) feeds it connection events and decoded messages and carries out the
/// actions it returns, in order. Keeping the rules here lets the tests walk every path without a socket.
public struct LobbyState: Sendable {
    public enum Action: Sendable, Hashable {
        case send(ConnectionID, ServerMessage)
        /// Send the message (if any), then close the connection.
        case close(ConnectionID, ServerMessage?)
        case authenticate(ConnectionID, AuthenticationRequest)
        case startMatch(MatchLaunch)
        /// A player left (or lost the connection) while their room was in a match; the match tells the
        /// player's realtime session why with a disconnect packet of `reason`.
        case leaveMatch(roomID: UInt32, accountID: UInt64, reason: DisconnectMessage.Reason)
        /// A player's connection dropped during their match and the seat is held: the match keeps the
        /// player, idle, until they log in again or the seat expires.
        case detachFromMatch(roomID: UInt32, accountID: UInt64, connection: ConnectionID)
        /// Start the reconnect grace clock of a held seat; when it runs out the driver calls
        /// ``LobbyState/seatExpired(accountID:token:)`` with the token.
        case holdSeat(accountID: UInt64, token: UInt64)
        /// A player logged in again while their seat was held (or taken over from a stale connection):
        /// the match issues fresh credentials, sent to `connection` as `matchStarting`.
        case rejoinMatch(roomID: UInt32, accountID: UInt64, connection: ConnectionID)
    }

    public struct Limits: Sendable, Hashable {
        public var minimumPlayersToStart: Int
        public var maximumPlayersPerRoom: Int
        public var maximumRooms: Int
        public var maximumChatBytes: Int
        /// Rooms in one `roomList` answer; a full page means the client may ask for the next.
        public var roomsPerPage: Int

        public init(minimumPlayersToStart: Int = 2, maximumPlayersPerRoom: Int = 16, maximumRooms: Int = 1000, maximumChatBytes: Int = 500, roomsPerPage: Int = 50) {
            self.roomsPerPage = roomsPerPage
            self.minimumPlayersToStart = minimumPlayersToStart
            self.maximumPlayersPerRoom = maximumPlayersPerRoom
            self.maximumRooms = maximumRooms
            self.maximumChatBytes = maximumChatBytes
        }
    }

    enum Phase: Sendable, Hashable {
        case awaitingHello
        case anonymous
        case authenticating
        case loggedIn(LobbyAccount)
    }

    struct Connection: Sendable {
        var phase: Phase = .awaitingHello
        var roomID: UInt32?
    }

    struct Room: Sendable {
        var id: UInt32
        var name: String
        var maxPlayers: UInt8
        var transport: UpdateTransport
        /// Members in join order, with their ready flag.
        var members: [(connection: ConnectionID, account: LobbyAccount, ready: Bool)] = []
        var inMatch = false
    }

    public let serverName: String
    public let defaultTransport: UpdateTransport
    public let limits: Limits
    public let maximumFrameSize: Int
    var connections: [ConnectionID: Connection] = [:]
    var rooms: [UInt32: Room] = [:]
    /// The ids of `rooms` in ascending order, kept as rooms come and go, so a page of `listRooms` is a
    /// binary search and a slice, never a sort.
    var roomOrder: [UInt32] = []
    var onlineAccounts: [UInt64: ConnectionID] = [:]
    var nextRoomID: UInt32 = 1
    /// Whether a player whose connection drops during a match keeps the seat for a while (the driver
    /// keeps the clock: `--reconnect-grace`).
    public let holdsSeats: Bool
    /// Seats held for players whose connection dropped during their match, by account id.
    var heldSeats: [UInt64: HeldSeat] = [:]
    var nextSeatToken: UInt64 = 1
    /// The server is draining: no logins (but reconnections) and no new matches.
    var draining = false

    /// A seat kept in a room in a match for a player who lost the connection.
    struct HeldSeat: Sendable, Hashable {
        var roomID: UInt32
        var token: UInt64
    }

    public init(serverName: String, defaultTransport: UpdateTransport, limits: Limits = Limits(), maximumFrameSize: Int = LobbyFraming.defaultMaximumFrameSize, holdsSeats: Bool = false) {
        self.holdsSeats = holdsSeats
        self.serverName = serverName
        self.defaultTransport = defaultTransport
        self.limits = limits
        self.maximumFrameSize = maximumFrameSize
    }

    public var connectionCount: Int { self.connections.count }
    public var roomCount: Int { self.rooms.count }

    /// The connection's account, once logged in.
    public func account(of connection: ConnectionID) -> LobbyAccount? {
        if case .loggedIn(let account) = self.connections[connection]?.phase { return account }
        return nil
    }

    public mutating func connected(_ id: ConnectionID) {
        self.connections[id] = Connection()
    }
}
