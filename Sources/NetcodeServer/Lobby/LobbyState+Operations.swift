import NetcodeProtocol

/// What an operator can ask of the lobby (through the admin socket): who is here, kick, drain.
extension LobbyState {
    /// One logged-in player (or one whose seat is held) as the admin socket lists it.
    public struct PlayerView: Sendable, Hashable, Codable {
        public var accountID: UInt64
        public var name: String
        /// The lobby connection, or nil while the seat is held for a reconnection.
        public var connection: ConnectionID?
        public var roomID: UInt32?
        public var inMatch: Bool
        public var seatHeld: Bool
    }

    public var players: [PlayerView] {
        var views: [PlayerView] = []
        for (accountID, id) in self.onlineAccounts {
            guard let connection = self.connections[id], case .loggedIn(let account) = connection.phase else { continue }
            let inMatch = connection.roomID.flatMap { self.rooms[$0]?.inMatch } ?? false
            views.append(PlayerView(accountID: accountID, name: account.name, connection: id, roomID: connection.roomID, inMatch: inMatch, seatHeld: false))
        }
        for (accountID, seat) in self.heldSeats {
            guard let member = self.rooms[seat.roomID]?.members.first(where: { $0.account.id == accountID }) else { continue }
            views.append(PlayerView(accountID: accountID, name: member.account.name, connection: nil, roomID: seat.roomID, inMatch: true, seatHeld: true))
        }
        return views.sorted { $0.name < $1.name }
    }

    /// The logged-in player (or held seat) named `name`.
    public func player(named name: String) -> PlayerView? {
        self.players.first { $0.name == name }
    }

    /// Removes the player named `name`: out of the match (told `kicked`) and the room, and the lobby
    /// connection closed with a `kicked` error. `nil` when nobody of that name is here.
    public mutating func kick(named name: String, reason: String) -> [Action]? {
        guard let player = self.player(named: name) else { return nil }
        var actions: [Action] = []
        if player.seatHeld {
            let seat = self.heldSeats.removeValue(forKey: player.accountID)
            if let seat, let index = self.rooms[seat.roomID]?.members.firstIndex(where: { $0.account.id == player.accountID }) {
                actions += self.removeMember(at: index, from: seat.roomID, reason: .kicked)
            }
            return actions
        }
        guard let id = player.connection else { return actions }
        actions += self.leaveRoom(id, reason: .kicked)
        self.onlineAccounts[player.accountID] = nil
        self.connections[id]?.phase = .anonymous
        actions.append(.close(id, .error(code: .kicked, message: reason)))
        return actions
    }

    /// Starts a drain: no new logins (reconnections still come back), no new matches. Every connection
    /// is told; running matches go on.
    public mutating func beginDrain(reason: String, secondsLeft: UInt32) -> [Action] {
        self.draining = true
        return self.connections.keys.sorted().map { .send($0, .draining(reason: reason, secondsLeft: secondsLeft)) }
    }

    public var isDraining: Bool { self.draining }

    /// Rooms in a match now.
    public var roomsInMatch: Int { self.rooms.values.filter(\.inMatch).count }
}
