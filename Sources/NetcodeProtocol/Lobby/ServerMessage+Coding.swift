import NIOCore

extension ServerMessage {
    /// Decodes one frame's payload (type byte first). The whole payload must be consumed.
    public init(decoding payload: ByteBuffer) throws {
        var buffer = payload
        let rawType: UInt8 = try buffer.readLobbyInteger("type")
        guard let type = LobbyMessageType(rawValue: rawType) else {
            throw LobbyDecodingError.unknownMessageType(rawType)
        }
        switch type {
        case .welcome:
            self = .welcome(
                version: try buffer.readLobbyInteger("version"),
                server: try buffer.readLobbyString("server"),
                maximumFrameSize: try buffer.readLobbyInteger("maximumFrameSize")
            )
        case .loggedIn:
            self = .loggedIn(
                accountID: try buffer.readLobbyInteger("accountID"),
                name: try buffer.readLobbyString("name"),
                newAccount: try buffer.readLobbyBool("newAccount")
            )
        case .roomList:
            let count: UInt16 = try buffer.readLobbyInteger("count")
            var rooms: [RoomSummary] = []
            rooms.reserveCapacity(Int(min(count, 1024)))
            for _ in 0..<count { rooms.append(try buffer.readRoomSummary()) }
            self = .roomList(rooms)
        case .roomState:
            let room = try buffer.readRoomSummary()
            let count: UInt8 = try buffer.readLobbyInteger("memberCount")
            var members: [RoomMember] = []
            for _ in 0..<count {
                members.append(RoomMember(
                    accountID: try buffer.readLobbyInteger("accountID"),
                    name: try buffer.readLobbyString("name"),
                    ready: try buffer.readLobbyBool("ready")
                ))
            }
            self = .roomState(room, members: members)
        case .chatMessage:
            self = .chatMessage(
                roomID: try buffer.readLobbyInteger("roomID"),
                fromAccount: try buffer.readLobbyInteger("fromAccount"),
                fromName: try buffer.readLobbyString("fromName"),
                text: try buffer.readLobbyString("text")
            )
        case .matchStarting:
            let matchID: UInt64 = try buffer.readLobbyInteger("matchID")
            let sessionID: UInt32 = try buffer.readLobbyInteger("sessionID")
            guard let key = buffer.readBytes(length: 32) else { throw LobbyDecodingError.truncated(field: "sessionKey") }
            var start = MatchStart(
                matchID: matchID,
                sessionID: sessionID,
                sessionKey: key,
                udpPort: try buffer.readLobbyInteger("udpPort"),
                transport: try buffer.readLobbyTransport("transport"),
                playerID: try buffer.readLobbyInteger("playerID"),
                tickRate: try buffer.readLobbyInteger("tickRate"),
                snapshotInterval: try buffer.readLobbyInteger("snapshotInterval"),
                durationTicks: try buffer.readLobbyInteger("durationTicks"),
                arenaWidth: try buffer.readLobbyInteger("arenaWidth"),
                arenaHeight: try buffer.readLobbyInteger("arenaHeight")
            )
            let count: UInt8 = try buffer.readLobbyInteger("rosterCount")
            for _ in 0..<count {
                start.roster.append(MatchRosterEntry(
                    playerID: try buffer.readLobbyInteger("playerID"),
                    accountID: try buffer.readLobbyInteger("accountID"),
                    name: try buffer.readLobbyString("name")
                ))
            }
            self = .matchStarting(start)
        case .matchEnded:
            let matchID: UInt64 = try buffer.readLobbyInteger("matchID")
            let count: UInt8 = try buffer.readLobbyInteger("count")
            var standings: [MatchStanding] = []
            for _ in 0..<count {
                standings.append(MatchStanding(
                    playerID: try buffer.readLobbyInteger("playerID"),
                    accountID: try buffer.readLobbyInteger("accountID"),
                    name: try buffer.readLobbyString("name"),
                    score: try buffer.readLobbyInteger("score"),
                    rank: try buffer.readLobbyInteger("rank"),
                    connected: try buffer.readLobbyBool("connected")
                ))
            }
            self = .matchEnded(matchID: matchID, standings: standings)
        case .error:
            let rawCode: UInt16 = try buffer.readLobbyInteger("code")
            guard let code = LobbyErrorCode(rawValue: rawCode) else { throw LobbyDecodingError.invalidValue(field: "code") }
            self = .error(code: code, message: try buffer.readLobbyString("message"))
        case .goingAway:
            self = .goingAway(reason: try buffer.readLobbyString("reason"))
        case .draining:
            self = .draining(reason: try buffer.readLobbyString("reason"), secondsLeft: try buffer.readLobbyInteger("secondsLeft"))
        case .pong:
            self = .pong(nonce: try buffer.readLobbyInteger("nonce"))
        case .leftRoom:
            self = .leftRoom
        case .loggedOut:
            self = .loggedOut
        case .serverRealtime:
            self = .realtime(buffer.readSlice(length: buffer.readableBytes)!)
        default:
            throw LobbyDecodingError.unknownMessageType(rawType)
        }
        try buffer.expectFullyRead()
    }

    /// Appends this message's payload (type byte first, no length prefix) to `buffer`.
    public func encode(into buffer: inout ByteBuffer) {
        switch self {
        case .welcome(let version, let server, let maximumFrameSize):
            buffer.writeInteger(LobbyMessageType.welcome.rawValue)
            buffer.writeInteger(version)
            buffer.writeLobbyString(server)
            buffer.writeInteger(maximumFrameSize)
        case .loggedIn(let accountID, let name, let newAccount):
            buffer.writeInteger(LobbyMessageType.loggedIn.rawValue)
            buffer.writeInteger(accountID)
            buffer.writeLobbyString(name)
            buffer.writeLobbyBool(newAccount)
        case .roomList(let rooms):
            buffer.writeInteger(LobbyMessageType.roomList.rawValue)
            let listed = rooms.prefix(Int(UInt16.max))
            buffer.writeInteger(UInt16(listed.count))
            for room in listed { buffer.writeRoomSummary(room) }
        case .roomState(let room, let members):
            buffer.writeInteger(LobbyMessageType.roomState.rawValue)
            buffer.writeRoomSummary(room)
            let listed = members.prefix(Int(UInt8.max))
            buffer.writeInteger(UInt8(listed.count))
            for member in listed {
                buffer.writeInteger(member.accountID)
                buffer.writeLobbyString(member.name)
                buffer.writeLobbyBool(member.ready)
            }
        case .chatMessage(let roomID, let fromAccount, let fromName, let text):
            buffer.writeInteger(LobbyMessageType.chatMessage.rawValue)
            buffer.writeInteger(roomID)
            buffer.writeInteger(fromAccount)
            buffer.writeLobbyString(fromName)
            buffer.writeLobbyString(text)
        case .matchStarting(let start):
            precondition(start.sessionKey.count == 32, "a session key is 32 bytes")
            buffer.writeInteger(LobbyMessageType.matchStarting.rawValue)
            buffer.writeInteger(start.matchID)
            buffer.writeInteger(start.sessionID)
            buffer.writeBytes(start.sessionKey)
            buffer.writeInteger(start.udpPort)
            buffer.writeInteger(start.transport.rawValue)
            buffer.writeInteger(start.playerID)
            buffer.writeInteger(start.tickRate)
            buffer.writeInteger(start.snapshotInterval)
            buffer.writeInteger(start.durationTicks)
            buffer.writeInteger(start.arenaWidth)
            buffer.writeInteger(start.arenaHeight)
            let roster = start.roster.prefix(Int(UInt8.max))
            buffer.writeInteger(UInt8(roster.count))
            for entry in roster {
                buffer.writeInteger(entry.playerID)
                buffer.writeInteger(entry.accountID)
                buffer.writeLobbyString(entry.name)
            }
        case .matchEnded(let matchID, let standings):
            buffer.writeInteger(LobbyMessageType.matchEnded.rawValue)
            buffer.writeInteger(matchID)
            let listed = standings.prefix(Int(UInt8.max))
            buffer.writeInteger(UInt8(listed.count))
            for standing in listed {
                buffer.writeInteger(standing.playerID)
                buffer.writeInteger(standing.accountID)
                buffer.writeLobbyString(standing.name)
                buffer.writeInteger(standing.score)
                buffer.writeInteger(standing.rank)
                buffer.writeLobbyBool(standing.connected)
            }
        case .error(let code, let message):
            buffer.writeInteger(LobbyMessageType.error.rawValue)
            buffer.writeInteger(code.rawValue)
            buffer.writeLobbyString(message)
        case .goingAway(let reason):
            buffer.writeInteger(LobbyMessageType.goingAway.rawValue)
            buffer.writeLobbyString(reason)
        case .draining(let reason, let secondsLeft):
            buffer.writeInteger(LobbyMessageType.draining.rawValue)
            buffer.writeLobbyString(reason)
            buffer.writeInteger(secondsLeft)
        case .pong(let nonce):
            buffer.writeInteger(LobbyMessageType.pong.rawValue)
            buffer.writeInteger(nonce)
        case .leftRoom:
            buffer.writeInteger(LobbyMessageType.leftRoom.rawValue)
        case .loggedOut:
            buffer.writeInteger(LobbyMessageType.loggedOut.rawValue)
        case .realtime(let packet):
            buffer.writeInteger(LobbyMessageType.serverRealtime.rawValue)
            buffer.writeImmutableBuffer(packet)
        }
    }
}

extension ByteBuffer {
    fileprivate mutating func readRoomSummary() throws -> RoomSummary {
        RoomSummary(
            id: try self.readLobbyInteger("roomID"),
            name: try self.readLobbyString("roomName"),
            playerCount: try self.readLobbyInteger("playerCount"),
            maxPlayers: try self.readLobbyInteger("maxPlayers"),
            inMatch: try self.readLobbyBool("inMatch"),
            transport: try self.readLobbyTransport("transport")
        )
    }

    fileprivate mutating func writeRoomSummary(_ room: RoomSummary) {
        self.writeInteger(room.id)
        self.writeLobbyString(room.name)
        self.writeInteger(room.playerCount)
        self.writeInteger(room.maxPlayers)
        self.writeLobbyBool(room.inMatch)
        self.writeInteger(room.transport.rawValue)
    }
}

extension ClientMessage {
    /// This message as one complete frame payload in a new buffer.
    public func encoded(allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 64)
        self.encode(into: &buffer)
        return buffer
    }
}

extension ServerMessage {
    /// This message as one complete frame payload in a new buffer.
    public func encoded(allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 64)
        self.encode(into: &buffer)
        return buffer
    }
}
