import NetcodeProtocol

extension LobbyState {
    /// Handles one decoded client message. `realtime` frames are not the lobby's business: the driver
    /// routes them to the match before they get here.
    public mutating func received(_ message: ClientMessage, from id: ConnectionID) -> [Action] {
        guard let connection = self.connections[id] else { return [] }

        if case .awaitingHello = connection.phase {
            guard case .hello(let version, _) = message else {
                return [.close(id, .error(code: .helloRequired, message: "send hello with the protocol version first"))]
            }
            guard version == lobbyProtocolVersion else {
                return [.close(id, .error(
                    code: .unsupportedVersion,
                    message: "protocol version \(version) is not supported; this server speaks version \(lobbyProtocolVersion)"
                ))]
            }
            self.connections[id]?.phase = .anonymous
            return [.send(id, .welcome(version: lobbyProtocolVersion, server: self.serverName, maximumFrameSize: UInt32(self.maximumFrameSize)))]
        }

        switch message {
        case .hello:
            return [.send(id, .error(code: .invalidArgument, message: "hello was already received"))]
        case .ping(let nonce):
            return [.send(id, .pong(nonce: nonce))]
        case .register(let name, let password), .login(let name, let password):
            let kind: AuthenticationRequest.Kind
            if case .register = message { kind = .register } else { kind = .login }
            return self.beginAuthentication(id, connection: connection, kind: kind, name: name, password: password)
        case .realtime:
            // Realtime frames belong to the match host, which drops any that aren't an authentic packet of
            // this connection's tcp match; they are never answered (PROTOCOL.md section 1.3).
            return []
        default:
            break
        }

        guard case .loggedIn(let account) = connection.phase else {
            return [.send(id, .error(code: .notLoggedIn, message: "log in or register first"))]
        }

        switch message {
        case .logout:
            var actions = self.leaveRoom(id, reason: .clientQuit)
            self.onlineAccounts[account.id] = nil
            self.connections[id]?.phase = .anonymous
            actions.append(.send(id, .loggedOut))
            return actions
        case .listRooms:
            return [.send(id, .roomList(self.roomPage(after: 0)))]
        case .listRoomsAfter(let after):
            return [.send(id, .roomList(self.roomPage(after: after)))]
        case .createRoom(let name, let maxPlayers, let transport):
            return self.createRoom(id, account: account, name: name, maxPlayers: maxPlayers, transport: transport)
        case .joinRoom(let roomID):
            return self.joinRoom(id, account: account, roomID: roomID)
        case .leaveRoom:
            guard connection.roomID != nil else {
                return [.send(id, .error(code: .notInRoom, message: "you are not in a room"))]
            }
            return self.leaveRoom(id, reason: .clientQuit) + [.send(id, .leftRoom)]
        case .chat(let text):
            return self.chat(id, account: account, roomID: connection.roomID, text: text)
        case .setReady(let ready):
            return self.setReady(id, roomID: connection.roomID, ready: ready)
        case .hello, .ping, .register, .login, .realtime:
            return []
        }
    }

    /// A whole message with an enumerated field (createRoom's transport, setReady's bool) out of range.
    /// It is refused as its phase would refuse any such message (before hello, before login), and
    /// otherwise with `invalidArgument`; the connection stays open either way but before hello.
    public mutating func receivedOutOfRange(field: String, value: UInt64, from id: ConnectionID) -> [Action] {
        guard let connection = self.connections[id] else { return [] }
        switch connection.phase {
        case .awaitingHello:
            return [.close(id, .error(code: .helloRequired, message: "send hello with the protocol version first"))]
        case .anonymous, .authenticating:
            return [.send(id, .error(code: .notLoggedIn, message: "log in or register first"))]
        case .loggedIn:
            let values: String
            switch field {
            case "transport": values = "0 (server default), 1 (udp) or 2 (tcp)"
            case "ready": values = "0 (false) or 1 (true)"
            default: values = "one the protocol defines"
            }
            return [.send(id, .error(code: .invalidArgument, message: "\(field) \(value) is out of range; use \(values)"))]
        }
    }

    private mutating func beginAuthentication(
        _ id: ConnectionID, connection: Connection, kind: AuthenticationRequest.Kind, name: String, password: String
    ) -> [Action] {
        switch connection.phase {
        case .loggedIn:
            return [.send(id, .error(code: .alreadyLoggedIn, message: "already logged in; log out first"))]
        case .authenticating:
            return [.send(id, .error(code: .invalidArgument, message: "a login is already in progress"))]
        case .anonymous, .awaitingHello:
            break
        }
        if kind == .register, self.draining {
            return [.send(id, .error(code: .serverFull, message: "the server is draining before a restart and takes no new accounts; register again in a few minutes"))]
        }
        if kind == .register {
            if let problem = AccountRules.problem(withName: name) {
                return [.send(id, .error(code: .invalidName, message: problem))]
            }
            if let problem = AccountRules.problem(withPassword: password) {
                return [.send(id, .error(code: .weakPassword, message: problem))]
            }
        }
        self.connections[id]?.phase = .authenticating
        return [.authenticate(id, AuthenticationRequest(kind: kind, name: name, password: password))]
    }

    /// The driver verified the credentials (or created the account).
    public mutating func authenticationSucceeded(_ id: ConnectionID, account: LobbyAccount, newAccount: Bool) -> [Action] {
        guard self.connections[id] != nil else { return [] }
        if let resumed = self.resumeHeldSeat(id, account: account) { return resumed }
        if self.draining {
            self.connections[id]?.phase = .anonymous
            return [.send(id, .error(code: .serverFull, message: "the server is draining before a restart; log in again in a few minutes"))]
        }
        if self.onlineAccounts[account.id] != nil {
            self.connections[id]?.phase = .anonymous
            return [.send(id, .error(code: .alreadyLoggedIn, message: "account '\(account.name)' is logged in on another connection"))]
        }
        self.connections[id]?.phase = .loggedIn(account)
        self.onlineAccounts[account.id] = id
        return [.send(id, .loggedIn(accountID: account.id, name: account.name, newAccount: newAccount))]
    }

    public mutating func authenticationFailed(_ id: ConnectionID, code: LobbyErrorCode, message: String) -> [Action] {
        guard self.connections[id] != nil else { return [] }
        self.connections[id]?.phase = .anonymous
        return [.send(id, .error(code: code, message: message))]
    }

    /// The connection is gone (closed by either side). Its room and its match hear of it.
    public mutating func disconnected(_ id: ConnectionID) -> [Action] {
        guard let connection = self.connections[id] else { return [] }
        let actions = self.holdSeat(id) ?? self.leaveRoom(id, reason: .timedOut)
        if case .loggedIn(let account) = connection.phase, self.onlineAccounts[account.id] == id {
            self.onlineAccounts[account.id] = nil
        }
        self.connections[id] = nil
        return actions
    }

    /// The room's match is over: the room opens again, everyone's ready flag is cleared, and members
    /// get the standings and the new room state.
    public mutating func matchEnded(roomID: UInt32, matchID: UInt64, standings: [MatchStanding]) -> [Action] {
        self.releaseHeldSeats(in: roomID)
        guard var room = self.rooms[roomID] else { return [] }
        room.inMatch = false
        for index in room.members.indices { room.members[index].ready = false }
        self.rooms[roomID] = room
        var actions = room.members.map { Action.send($0.connection, .matchEnded(matchID: matchID, standings: standings)) }
        actions += self.broadcastState(of: room)
        return actions
    }
}
