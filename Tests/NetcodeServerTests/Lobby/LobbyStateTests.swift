import NetcodeProtocol
import Testing
@testable import NetcodeServer

/// The lobby's rules, walked without sockets: events in, actions out.
@Suite struct LobbyStateTests {
    var lobby = LobbyState(serverName: "test", defaultTransport: .udp)

    mutating func loggedIn(_ id: ConnectionID, account: UInt64, name: String) {
        self.lobby.connected(id)
        _ = self.lobby.received(.hello(version: lobbyProtocolVersion, client: "t"), from: id)
        let actions = self.lobby.received(.login(name: name, password: "password1"), from: id)
        #expect(actions == [.authenticate(id, AuthenticationRequest(kind: .login, name: name, password: "password1"))])
        _ = self.lobby.authenticationSucceeded(id, account: LobbyAccount(id: account, name: name), newAccount: false)
    }

    func sent(_ actions: [LobbyState.Action], to id: ConnectionID) -> [ServerMessage] {
        actions.compactMap { if case .send(id, let message) = $0 { return message } else { return nil } }
    }

    @Test mutating func helloMustComeFirst() {
        self.lobby.connected(1)
        let actions = self.lobby.received(.listRooms, from: 1)
        guard case .close(1, .error(.helloRequired, _))? = actions.first else {
            Issue.record("expected a close with helloRequired, got \(actions)")
            return
        }
    }

    @Test mutating func versionMismatchIsRefusedAndClosed() {
        self.lobby.connected(1)
        let actions = self.lobby.received(.hello(version: 99, client: "old"), from: 1)
        guard case .close(1, .error(.unsupportedVersion, let message))? = actions.first else {
            Issue.record("expected unsupportedVersion, got \(actions)")
            return
        }
        #expect(message.contains("99"))
    }

    @Test mutating func helloIsWelcomed() {
        self.lobby.connected(1)
        let actions = self.lobby.received(.hello(version: lobbyProtocolVersion, client: "c"), from: 1)
        #expect(actions == [.send(1, .welcome(version: lobbyProtocolVersion, server: "test", maximumFrameSize: 65_536))])
    }

    @Test mutating func roomOperationsNeedALogin() {
        self.lobby.connected(1)
        _ = self.lobby.received(.hello(version: lobbyProtocolVersion, client: "c"), from: 1)
        for message in [ClientMessage.listRooms, .createRoom(name: "r", maxPlayers: 2, transport: nil), .joinRoom(id: 1), .chat(text: "x"), .setReady(true)] {
            let replies = self.sent(self.lobby.received(message, from: 1), to: 1)
            guard case .error(.notLoggedIn, _)? = replies.first else {
                Issue.record("\(message) answered \(replies)")
                continue
            }
        }
    }

    @Test mutating func registrationChecksNameAndPasswordBeforeHashing() {
        self.lobby.connected(1)
        _ = self.lobby.received(.hello(version: lobbyProtocolVersion, client: "c"), from: 1)
        let badName = self.sent(self.lobby.received(.register(name: "a b", password: "longenough"), from: 1), to: 1)
        #expect(badName.first.map { if case .error(.invalidName, _) = $0 { true } else { false } } == true)
        let weak = self.sent(self.lobby.received(.register(name: "alice", password: "short"), from: 1), to: 1)
        #expect(weak.first.map { if case .error(.weakPassword, _) = $0 { true } else { false } } == true)
    }

    @Test mutating func oneLoginPerAccount() {
        self.loggedIn(1, account: 7, name: "alice")
        self.lobby.connected(2)
        _ = self.lobby.received(.hello(version: lobbyProtocolVersion, client: "c"), from: 2)
        _ = self.lobby.received(.login(name: "alice", password: "password1"), from: 2)
        let replies = self.sent(self.lobby.authenticationSucceeded(2, account: LobbyAccount(id: 7, name: "alice"), newAccount: false), to: 2)
        guard case .error(.alreadyLoggedIn, _)? = replies.first else {
            Issue.record("second login answered \(replies)")
            return
        }
        // Once the first connection goes, the account may log in again.
        _ = self.lobby.disconnected(1)
        _ = self.lobby.received(.login(name: "alice", password: "password1"), from: 2)
        let again = self.sent(self.lobby.authenticationSucceeded(2, account: LobbyAccount(id: 7, name: "alice"), newAccount: false), to: 2)
        #expect(again == [.loggedIn(accountID: 7, name: "alice", newAccount: false)])
    }

    @Test mutating func twoPlayersJoinChatReadyAndStart() throws {
        self.loggedIn(1, account: 10, name: "alice")
        self.loggedIn(2, account: 20, name: "bob")
        let created = self.sent(self.lobby.received(.createRoom(name: " duel ", maxPlayers: 2, transport: nil), from: 1), to: 1)
        guard case .roomState(let room, let members)? = created.first else {
            Issue.record("create answered \(created)")
            return
        }
        #expect(room.name == "duel")
        #expect(members.map(\.name) == ["alice"])

        let joined = self.lobby.received(.joinRoom(id: room.id), from: 2)
        #expect(self.sent(joined, to: 1).count == 1, "the creator sees the new member")
        #expect(self.sent(joined, to: 2).count == 1)

        let chat = self.lobby.received(.chat(text: "hi bob"), from: 1)
        #expect(self.sent(chat, to: 2) == [.chatMessage(roomID: room.id, fromAccount: 10, fromName: "alice", text: "hi bob")])
        #expect(self.sent(chat, to: 1).count == 1, "the sender sees their own line")

        let oneReady = self.lobby.received(.setReady(true), from: 1)
        #expect(!oneReady.contains { if case .startMatch = $0 { true } else { false } })
        let bothReady = self.lobby.received(.setReady(true), from: 2)
        let launch = try #require(bothReady.compactMap { if case .startMatch(let launch) = $0 { launch } else { nil } }.first)
        #expect(launch.players.map(\.account.id) == [10, 20])
        #expect(launch.transport == .udp)

        // A full room in a match refuses newcomers.
        self.loggedIn(3, account: 30, name: "carol")
        let refused = self.sent(self.lobby.received(.joinRoom(id: room.id), from: 3), to: 3)
        guard case .error(.roomInMatch, _)? = refused.first else {
            Issue.record("join during match answered \(refused)")
            return
        }

        // Unreadying during the match is refused; the flags are cleared at its end.
        let unready = self.sent(self.lobby.received(.setReady(false), from: 1), to: 1)
        guard case .error(.roomInMatch, _)? = unready.first, unready.count == 1 else {
            Issue.record("setReady(false) during the match answered \(unready)")
            return
        }

        // Leaving mid-match answers leftRoom and tells the match at once; the end of the match reopens
        // the room with flags cleared, and the player who left hears nothing of it.
        let left = self.lobby.received(.leaveRoom, from: 2)
        #expect(left.contains(.leaveMatch(roomID: room.id, accountID: 20, reason: .clientQuit)))
        #expect(self.sent(left, to: 2) == [.leftRoom])
        let ended = self.lobby.matchEnded(roomID: room.id, matchID: 5, standings: [])
        #expect(self.sent(ended, to: 1).first == .matchEnded(matchID: 5, standings: []))
        #expect(self.sent(ended, to: 2).isEmpty, "bob left the room: no matchEnded for him")
        guard case .roomState(let reopened, let remaining)? = self.sent(ended, to: 1).last else {
            Issue.record("no room state after the match")
            return
        }
        #expect(!reopened.inMatch)
        #expect(remaining.map(\.ready) == [false])
    }

    @Test mutating func roomFullAndUnknownRoom() {
        self.loggedIn(1, account: 1, name: "aaa")
        self.loggedIn(2, account: 2, name: "bbb")
        self.loggedIn(3, account: 3, name: "ccc")
        _ = self.lobby.received(.createRoom(name: "r", maxPlayers: 2, transport: .tcp), from: 1)
        _ = self.lobby.received(.joinRoom(id: 1), from: 2)
        let full = self.sent(self.lobby.received(.joinRoom(id: 1), from: 3), to: 3)
        guard case .error(.roomFull, _)? = full.first else { Issue.record("\(full)"); return }
        let missing = self.sent(self.lobby.received(.joinRoom(id: 99), from: 3), to: 3)
        guard case .error(.roomNotFound, _)? = missing.first else { Issue.record("\(missing)"); return }
    }

    @Test mutating func emptyRoomsDisappearAndDisconnectLeaves() {
        self.loggedIn(1, account: 1, name: "aaa")
        self.loggedIn(2, account: 2, name: "bbb")
        _ = self.lobby.received(.createRoom(name: "r", maxPlayers: 4, transport: nil), from: 1)
        _ = self.lobby.received(.joinRoom(id: 1), from: 2)
        let gone = self.lobby.disconnected(1)
        #expect(self.sent(gone, to: 2).count == 1, "the remaining member sees the new room state")
        #expect(self.lobby.roomCount == 1)
        _ = self.lobby.received(.leaveRoom, from: 2)
        #expect(self.lobby.roomCount == 0)
        #expect(self.lobby.connectionCount == 1)
    }

    @Test mutating func aFailedLoginLeavesTheConnectionAnonymous() {
        self.lobby.connected(1)
        _ = self.lobby.received(.hello(version: lobbyProtocolVersion, client: "c"), from: 1)
        _ = self.lobby.received(.login(name: "alice", password: "nopenope"), from: 1)
        let failed = self.lobby.authenticationFailed(1, code: .badCredentials, message: "wrong name or password")
        #expect(failed == [.send(1, .error(code: .badCredentials, message: "wrong name or password"))])
        #expect(self.lobby.account(of: 1) == nil)
        let rooms = self.sent(self.lobby.received(.listRooms, from: 1), to: 1)
        guard case .error(.notLoggedIn, _)? = rooms.first else { Issue.record("\(rooms)"); return }
    }

    @Test mutating func listRoomsAnswersInPagesInIdOrder() {
        self.lobby = LobbyState(serverName: "test", defaultTransport: .udp, limits: .init(roomsPerPage: 2))
        for index in 1...5 {
            self.loggedIn(ConnectionID(index), account: UInt64(index), name: "p\(index)")
            _ = self.lobby.received(.createRoom(name: "room \(index)", maxPlayers: 2, transport: nil), from: ConnectionID(index))
        }
        // Room 2 empties and goes; the pages skip it and stay in order.
        _ = self.lobby.received(.leaveRoom, from: 2)
        self.loggedIn(9, account: 9, name: "reader")
        func page(_ message: ClientMessage) -> [UInt32] {
            guard case .roomList(let rooms)? = self.sent(self.lobby.received(message, from: 9), to: 9).first else { return [] }
            return rooms.map(\.id)
        }
        #expect(page(.listRooms) == [1, 3])
        #expect(page(.listRoomsAfter(3)) == [4, 5])
        #expect(page(.listRoomsAfter(5)) == [])
        #expect(page(.listRoomsAfter(1)) == [3, 4])
    }
}
