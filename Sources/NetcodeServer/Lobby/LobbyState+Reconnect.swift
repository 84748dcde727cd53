import NetcodeProtocol

/// Reconnection within a grace window: a player whose lobby connection drops during a match keeps the
/// seat (the match keeps the player, idle); logging in again takes the seat back and gets fresh match
/// credentials. The driver keeps the clock and calls ``seatExpired(accountID:token:)`` when it runs out.
extension LobbyState {
    /// Holds the seat of connection `id`, which is closing, if its player is in a room in a match.
    /// `nil` when there is no seat to hold: the caller removes the player as before.
    mutating func holdSeat(_ id: ConnectionID) -> [Action]? {
        guard self.holdsSeats, let connection = self.connections[id], case .loggedIn(let account) = connection.phase,
              self.onlineAccounts[account.id] == id,
              let roomID = connection.roomID, let room = self.rooms[roomID], room.inMatch,
              room.members.contains(where: { $0.connection == id })
        else { return nil }
        let token = self.nextSeatToken
        self.nextSeatToken += 1
        self.heldSeats[account.id] = HeldSeat(roomID: roomID, token: token)
        self.connections[id]?.roomID = nil
        return [.detachFromMatch(roomID: roomID, accountID: account.id, connection: id), .holdSeat(accountID: account.id, token: token)]
    }

    /// A login of `account` on connection `id` that takes back a held seat, or takes over the seat of a
    /// connection of the same account that is still open (a client whose network changed: the server
    /// may not have noticed the old connection is dead). `nil` when it is an ordinary login.
    mutating func resumeHeldSeat(_ id: ConnectionID, account: LobbyAccount) -> [Action]? {
        var actions: [Action] = []
        let roomID: UInt32
        if let seat = self.heldSeats.removeValue(forKey: account.id) {
            roomID = seat.roomID
        } else if self.holdsSeats, let other = self.onlineAccounts[account.id], other != id,
                  let otherRoom = self.connections[other]?.roomID, self.rooms[otherRoom]?.inMatch == true {
            // The old connection leaves quietly: its seat moves here, so its close changes nothing.
            roomID = otherRoom
            self.connections[other]?.roomID = nil
            self.connections[other]?.phase = .anonymous
            self.onlineAccounts[account.id] = nil
            actions.append(.close(other, .goingAway(reason: "account '\(account.name)' logged in again on another connection")))
        } else {
            return nil
        }
        guard var room = self.rooms[roomID], let index = room.members.firstIndex(where: { $0.account.id == account.id }) else {
            return nil
        }
        room.members[index].connection = id
        self.rooms[roomID] = room
        self.connections[id]?.phase = .loggedIn(account)
        self.connections[id]?.roomID = roomID
        self.onlineAccounts[account.id] = id
        actions.append(.send(id, .loggedIn(accountID: account.id, name: account.name, newAccount: false)))
        actions += self.broadcastState(of: room).filter { if case .send(id, _) = $0 { true } else { false } }
        actions.append(.rejoinMatch(roomID: roomID, accountID: account.id, connection: id))
        return actions
    }

    /// The reconnect grace of a held seat ran out: the player leaves the room and the match (told
    /// `timedOut`). A token of a seat taken back or replaced since does nothing.
    public mutating func seatExpired(accountID: UInt64, token: UInt64) -> [Action] {
        guard let seat = self.heldSeats[accountID], seat.token == token else { return [] }
        self.heldSeats[accountID] = nil
        guard let index = self.rooms[seat.roomID]?.members.firstIndex(where: { $0.account.id == accountID }) else { return [] }
        return self.removeMember(at: index, from: seat.roomID, reason: .timedOut)
    }

    /// The room's match ended: players whose seats were held leave the room (nobody is there to ready).
    mutating func releaseHeldSeats(in roomID: UInt32) {
        let held = self.heldSeats.filter { $0.value.roomID == roomID }.map(\.key)
        guard !held.isEmpty, var room = self.rooms[roomID] else { return }
        for accountID in held { self.heldSeats[accountID] = nil }
        room.members.removeAll { held.contains($0.account.id) }
        if room.members.isEmpty {
            self.rooms[roomID] = nil
            let position = self.roomOrder.partitionPoint { $0 >= roomID }
            if position < self.roomOrder.count, self.roomOrder[position] == roomID { self.roomOrder.remove(at: position) }
        } else {
            self.rooms[roomID] = room
        }
    }

    /// Whether the account's seat is held (its connection dropped during a match).
    public func isSeatHeld(accountID: UInt64) -> Bool { self.heldSeats[accountID] != nil }
}
