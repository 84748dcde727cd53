import NetcodeProtocol

extension LobbyState.Room {
    var summary: RoomSummary {
        RoomSummary(id: self.id, name: self.name, playerCount: UInt8(self.members.count), maxPlayers: self.maxPlayers, inMatch: self.inMatch, transport: self.transport)
    }
}

extension LobbyState {
    /// Rooms with at least one member among `connections`.
    func roomCount(withMembersAmong connections: Set<ConnectionID>) -> Int {
        self.rooms.values.filter { room in room.members.contains { connections.contains($0.connection) } }.count
    }

    mutating func createRoom(_ id: ConnectionID, account: LobbyAccount, name: String, maxPlayers: UInt8, transport: UpdateTransport?) -> [Action] {
        if self.connections[id]?.roomID != nil {
            return [.send(id, .error(code: .alreadyInRoom, message: "leave your room before creating another"))]
        }
        let trimmed = name.trimmingSpaces
        guard !trimmed.isEmpty, trimmed.utf8.count <= 32 else {
            return [.send(id, .error(code: .invalidArgument, message: "a room name has 1 to 32 bytes"))]
        }
        if TextRules.hasControlCharacters(trimmed) {
            return [.send(id, .error(code: .invalidArgument, message: "a room name may not contain control characters (newline, tab, ESC, NUL, bidi overrides)"))]
        }
        guard (2...self.limits.maximumPlayersPerRoom).contains(Int(maxPlayers)) else {
            return [.send(id, .error(code: .invalidArgument, message: "max players must be between 2 and \(self.limits.maximumPlayersPerRoom)"))]
        }
        guard self.rooms.count < self.limits.maximumRooms else {
            return [.send(id, .error(code: .serverFull, message: "the server has its maximum of \(self.limits.maximumRooms) rooms"))]
        }
        let roomID = self.nextRoomID
        self.nextRoomID = self.nextRoomID == UInt32.max ? 1 : self.nextRoomID + 1
        var room = Room(id: roomID, name: trimmed, maxPlayers: maxPlayers, transport: transport ?? self.defaultTransport)
        room.members.append((id, account, false))
        self.rooms[roomID] = room
        self.roomOrder.insert(roomID, at: self.roomOrder.partitionPoint { $0 > roomID })
        self.connections[id]?.roomID = roomID
        return self.broadcastState(of: room)
    }

    /// Up to `roomsPerPage` rooms whose id is greater than `after`, in id order.
    func roomPage(after: UInt32) -> [RoomSummary] {
        let start = self.roomOrder.partitionPoint { $0 > after }
        return self.roomOrder[start...].prefix(self.limits.roomsPerPage).compactMap { self.rooms[$0]?.summary }
    }

    mutating func joinRoom(_ id: ConnectionID, account: LobbyAccount, roomID: UInt32) -> [Action] {
        if self.connections[id]?.roomID != nil {
            return [.send(id, .error(code: .alreadyInRoom, message: "leave your room before joining another"))]
        }
        guard var room = self.rooms[roomID] else {
            return [.send(id, .error(code: .roomNotFound, message: "room \(roomID) does not exist"))]
        }
        guard !room.inMatch else {
            return [.send(id, .error(code: .roomInMatch, message: "room \(roomID) is playing a match; join when it ends"))]
        }
        guard room.members.count < Int(room.maxPlayers) else {
            return [.send(id, .error(code: .roomFull, message: "room \(roomID) is full (\(room.maxPlayers) players)"))]
        }
        room.members.append((id, account, false))
        self.rooms[roomID] = room
        self.connections[id]?.roomID = roomID
        return self.broadcastState(of: room)
    }

    /// Removes the connection from its room, if any. A room in a match is told the player left. An empty
    /// room is removed at once, even during its match, so rooms nobody is in never fill the room limit; the
    /// match's end then finds no room and is dropped.
    mutating func leaveRoom(_ id: ConnectionID, reason: DisconnectMessage.Reason) -> [Action] {
        guard let roomID = self.connections[id]?.roomID, let room = self.rooms[roomID] else { return [] }
        self.connections[id]?.roomID = nil
        guard let index = room.members.firstIndex(where: { $0.connection == id }) else { return [] }
        return self.removeMember(at: index, from: roomID, reason: reason)
    }

    /// Removes one member from a room (the member's match hears of it with `reason`), removing the room
    /// if it is left empty.
    mutating func removeMember(at index: Int, from roomID: UInt32, reason: DisconnectMessage.Reason) -> [Action] {
        guard var room = self.rooms[roomID] else { return [] }
        let member = room.members.remove(at: index)
        var actions: [Action] = []
        if room.inMatch {
            actions.append(.leaveMatch(roomID: roomID, accountID: member.account.id, reason: reason))
        }
        if room.members.isEmpty {
            self.rooms[roomID] = nil
            let position = self.roomOrder.partitionPoint { $0 >= roomID }
            if position < self.roomOrder.count, self.roomOrder[position] == roomID { self.roomOrder.remove(at: position) }
            return actions
        }
        self.rooms[roomID] = room
        actions += self.broadcastState(of: room)
        if !room.inMatch { actions += self.startIfAllReady(roomID) }
        return actions
    }

    mutating func chat(_ id: ConnectionID, account: LobbyAccount, roomID: UInt32?, text: String) -> [Action] {
        guard let roomID, let room = self.rooms[roomID] else {
            return [.send(id, .error(code: .notInRoom, message: "join a room to chat"))]
        }
        guard !text.isEmpty, text.utf8.count <= self.limits.maximumChatBytes else {
            return [.send(id, .error(code: .invalidArgument, message: "a chat message has 1 to \(self.limits.maximumChatBytes) bytes"))]
        }
        if TextRules.hasControlCharacters(text) {
            return [.send(id, .error(code: .invalidArgument, message: "a chat message may not contain control characters (newline, tab, ESC, NUL, bidi overrides)"))]
        }
        let message = ServerMessage.chatMessage(roomID: roomID, fromAccount: account.id, fromName: account.name, text: text)
        return room.members.map { .send($0.connection, message) }
    }

    mutating func setReady(_ id: ConnectionID, roomID: UInt32?, ready: Bool) -> [Action] {
        guard let roomID, var room = self.rooms[roomID],
              let index = room.members.firstIndex(where: { $0.connection == id })
        else {
            return [.send(id, .error(code: .notInRoom, message: "join a room before getting ready"))]
        }
        guard !room.inMatch else {
            return [.send(id, .error(code: .roomInMatch, message: "the match has already started"))]
        }
        if ready, self.draining {
            return [.send(id, .error(code: .serverBusy, message: "the server is draining before a restart and starts no new matches"))]
        }
        room.members[index].ready = ready
        self.rooms[roomID] = room
        return self.broadcastState(of: room) + self.startIfAllReady(roomID)
    }

    /// Starts the room's match when it has enough members and all of them are ready.
    mutating func startIfAllReady(_ roomID: UInt32) -> [Action] {
        guard !self.draining, var room = self.rooms[roomID], !room.inMatch,
              room.members.count >= self.limits.minimumPlayersToStart,
              room.members.allSatisfy(\.ready)
        else { return [] }
        room.inMatch = true
        self.rooms[roomID] = room
        let launch = MatchLaunch(
            roomID: roomID,
            roomName: room.name,
            transport: room.transport,
            players: room.members.map { MatchLaunch.Player(connection: $0.connection, account: $0.account) }
        )
        return [.startMatch(launch)] + self.broadcastState(of: room)
    }

    /// Whether the room of `launch` still waits for its match: it exists, is marked in match, and holds
    /// exactly the launch's players (nobody left while the match waited for capacity).
    func isWaitingToStart(_ launch: MatchLaunch) -> Bool {
        guard let room = self.rooms[launch.roomID], room.inMatch else { return false }
        return room.members.map(\.account.id) == launch.players.map(\.account.id)
    }

    func broadcastState(of room: Room) -> [Action] {
        let members = room.members.map { RoomMember(accountID: $0.account.id, name: $0.account.name, ready: $0.ready) }
        let message = ServerMessage.roomState(room.summary, members: members)
        return room.members.map { .send($0.connection, message) }
    }
}

extension String {
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars = scalars.dropFirst() }
        while let last = scalars.last, last.isWhitespace { scalars = scalars.dropLast() }
        return String(scalars)
    }
}

extension Array {
    /// The index of the first element for which `isAtOrAfter` holds, in an array where it holds for a
    /// suffix (binary search).
    func partitionPoint(_ isAtOrAfter: (Element) -> Bool) -> Int {
        var low = 0
        var high = self.count
        while low < high {
            let middle = (low + high) / 2
            if isAtOrAfter(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
