import Logging
import NIOCore
import NetcodeProtocol

/// Reconnection, drain, kick and the operator's view of the lobby.
extension LobbyService {
    func seatExpired(accountID: UInt64, token: UInt64) {
        let actions = self.state.seatExpired(accountID: accountID, token: token)
        if !actions.isEmpty { self.logger.info("reconnect grace ran out; the player left the match", metadata: ["account": "\(accountID)"]) }
        self.perform(actions)
    }

    /// Asks the match for fresh credentials for a player who logged in again, and sends them.
    func rejoin(roomID: UInt32, accountID: UInt64, connection: ConnectionID) async {
        guard let host = self.matchHost else { return }
        guard let start = await host.rejoin(roomID: roomID, accountID: accountID, connection: connection) else {
            // The match ended meanwhile (its end reaches this connection as matchEnded) or let the player go.
            self.logger.info("a returning player's match is over; nothing to rejoin", metadata: ["account": "\(accountID)"])
            return
        }
        self.metrics?.reconnected()
        self.logger.info("player rejoined the match", metadata: ["account": "\(accountID)", "match": "\(start.matchID)"])
        self.connections[connection]?.send(.matchStarting(start))
    }

    /// Kicks the player named `name`; false when nobody of that name is logged in.
    public func kick(named name: String) -> Bool {
        guard let actions = self.state.kick(named: name, reason: "removed by the server's operator") else { return false }
        self.logger.notice("player kicked", metadata: ["player": "\(name)"])
        self.perform(actions)
        return true
    }

    /// Starts a drain: every connection is told, logins and new matches are refused, and a match still
    /// waiting for realtime capacity is given up (the drain waits only for the matches under way).
    public func beginDrain(reason: String, secondsLeft: UInt32) {
        let actions = self.state.beginDrain(reason: reason, secondsLeft: secondsLeft)
        self.perform(actions)
        self.giveUpWaitingMatches(because: "the server is draining before a restart")
    }

    public var players: [LobbyState.PlayerView] { self.state.players }
    public var isDraining: Bool { self.state.isDraining }
    public var roomCount: Int { self.state.roomCount }
    public var roomsInMatch: Int { self.state.roomsInMatch }
}

extension LobbyService {
    /// The channel of a lobby connection, for reading its socket options.
    func channel(of connection: ConnectionID) -> (any Channel)? {
        self.connections[connection]?.channel
    }
}
