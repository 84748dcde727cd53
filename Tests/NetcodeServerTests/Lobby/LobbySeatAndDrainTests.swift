import NetcodeProtocol
import Testing
@testable import NetcodeServer

/// The lobby's rules for held seats, kicks and drains, walked without sockets.
@Suite struct LobbySeatAndDrainTests {
    var lobby = LobbyState(serverName: "test", defaultTransport: .udp, holdsSeats: true)

    mutating func loggedIn(_ id: ConnectionID, account: UInt64, name: String) -> [LobbyState.Action] {
        self.lobby.connected(id)
        _ = self.lobby.received(.hello(version: lobbyProtocolVersion, client: "t"), from: id)
        _ = self.lobby.received(.login(name: name, password: "password1"), from: id)
        return self.lobby.authenticationSucceeded(id, account: LobbyAccount(id: account, name: name), newAccount: false)
    }

    /// Alice (connection 1, account 10) and Bob (2, 20) in a room whose match has started.
    mutating func inMatch() -> UInt32 {
        _ = self.loggedIn(1, account: 10, name: "alice")
        _ = self.loggedIn(2, account: 20, name: "bob")
        _ = self.lobby.received(.createRoom(name: "r", maxPlayers: 2, transport: nil), from: 1)
        let roomID = self.lobby.players.first { $0.name == "alice" }!.roomID!
        _ = self.lobby.received(.joinRoom(id: roomID), from: 2)
        _ = self.lobby.received(.setReady(true), from: 1)
        let started = self.lobby.received(.setReady(true), from: 2)
        #expect(started.contains { if case .startMatch = $0 { true } else { false } })
        return roomID
    }

    @Test mutating func aDropDuringAMatchHoldsTheSeatAndALoginTakesItBack() {
        let roomID = self.inMatch()
        let dropped = self.lobby.disconnected(1)
        #expect(dropped.contains(.detachFromMatch(roomID: roomID, accountID: 10, connection: 1)))
        #expect(!dropped.contains { if case .leaveMatch = $0 { true } else { false } }, "the match keeps the player")
        #expect(self.lobby.isSeatHeld(accountID: 10))

        let back = self.loggedIn(3, account: 10, name: "alice")
        #expect(back.contains(.send(3, .loggedIn(accountID: 10, name: "alice", newAccount: false))))
        #expect(back.contains(.rejoinMatch(roomID: roomID, accountID: 10, connection: 3)))
        #expect(!self.lobby.isSeatHeld(accountID: 10))
        #expect(self.lobby.players.first { $0.name == "alice" }?.roomID == roomID)
    }

    @Test mutating func aSeatExpiresWithTimedOutAndAnOldTokenDoesNothing() {
        let roomID = self.inMatch()
        let dropped = self.lobby.disconnected(1)
        let token = dropped.compactMap { if case .holdSeat(10, let token) = $0 { token } else { nil } }.first!
        #expect(self.lobby.seatExpired(accountID: 10, token: token + 1).isEmpty, "a stale clock")
        let expired = self.lobby.seatExpired(accountID: 10, token: token)
        #expect(expired.contains(.leaveMatch(roomID: roomID, accountID: 10, reason: .timedOut)))
        #expect(self.lobby.players.map(\.name) == ["bob"])
        #expect(self.lobby.seatExpired(accountID: 10, token: token).isEmpty, "once")
    }

    @Test mutating func theMatchEndReleasesHeldSeats() {
        let roomID = self.inMatch()
        _ = self.lobby.disconnected(1)
        let ended = self.lobby.matchEnded(roomID: roomID, matchID: 1, standings: [])
        guard case .roomState(_, let members)? = ended.compactMap({ if case .send(2, let message) = $0 { message } else { nil } }).last else {
            Issue.record("no room state after the match: \(ended)")
            return
        }
        #expect(members.map(\.name) == ["bob"])
        #expect(!self.lobby.isSeatHeld(accountID: 10))
    }

    @Test mutating func withoutSeatsADropLeavesTheMatchAsTimedOut() {
        self.lobby = LobbyState(serverName: "test", defaultTransport: .udp, holdsSeats: false)
        let roomID = self.inMatch()
        #expect(self.lobby.disconnected(1).contains(.leaveMatch(roomID: roomID, accountID: 10, reason: .timedOut)))
    }

    @Test mutating func aKickRemovesThePlayerFromTheMatchAndClosesTheConnection() {
        let roomID = self.inMatch()
        let kicked = self.lobby.kick(named: "alice", reason: "bye") ?? []
        #expect(kicked.contains(.leaveMatch(roomID: roomID, accountID: 10, reason: .kicked)))
        #expect(kicked.contains(.close(1, .error(code: .kicked, message: "bye"))))
        #expect(self.lobby.kick(named: "nobody", reason: "bye") == nil)
    }

    @Test mutating func aDrainRefusesNewAccountsLoginsAndMatchesButNotAReturningPlayer() {
        let roomID = self.inMatch()
        _ = self.lobby.disconnected(1)
        self.lobby.connected(9)
        let told = self.lobby.beginDrain(reason: "update", secondsLeft: 60)
        #expect(told.contains(.send(2, .draining(reason: "update", secondsLeft: 60))))
        #expect(told.contains(.send(9, .draining(reason: "update", secondsLeft: 60))))

        _ = self.lobby.received(.hello(version: lobbyProtocolVersion, client: "t"), from: 9)
        guard case .send(9, .error(.serverFull, _))? = self.lobby.received(.register(name: "carol", password: "password1"), from: 9).first else {
            Issue.record("a registration during a drain was not refused")
            return
        }
        let carol = self.loggedIn(5, account: 30, name: "carol")
        #expect(carol.contains { if case .send(5, .error(.serverFull, _)) = $0 { true } else { false } })
        #expect(self.lobby.players.allSatisfy { $0.name != "carol" })

        let back = self.loggedIn(3, account: 10, name: "alice")
        #expect(back.contains(.rejoinMatch(roomID: roomID, accountID: 10, connection: 3)), "a returning player comes back")

        _ = self.lobby.matchEnded(roomID: roomID, matchID: 1, standings: [])
        let ready = self.lobby.received(.setReady(true), from: 2)
        #expect(ready.contains { if case .send(2, .error(.serverBusy, _)) = $0 { true } else { false } }, "no new match")
        #expect(!ready.contains { if case .startMatch = $0 { true } else { false } })
    }
}
