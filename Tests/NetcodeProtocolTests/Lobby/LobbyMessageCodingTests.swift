import NIOCore
import Testing
@testable import NetcodeProtocol

@Suite struct LobbyMessageCodingTests {
    static let clientMessages: [ClientMessage] = [
        .hello(version: 1, client: "bot/1.0"),
        .register(name: "alice", password: "correct horse"),
        .login(name: "Ålice-ü", password: "pässwörd"),
        .logout,
        .listRooms,
        .listRoomsAfter(0xDEAD_BEEF),
        .createRoom(name: "arena one", maxPlayers: 8, transport: nil),
        .createRoom(name: "tcp room", maxPlayers: 2, transport: .tcp),
        .joinRoom(id: 0xDEAD_BEEF),
        .leaveRoom,
        .chat(text: "hello 👋"),
        .setReady(true),
        .setReady(false),
        .ping(nonce: .max),
        .realtime(ByteBuffer(bytes: [0x4E, 0x43, 1, 2, 3])),
    ]

    static let serverMessages: [ServerMessage] = [
        .welcome(version: 1, server: "netcode", maximumFrameSize: 65_536),
        .loggedIn(accountID: 42, name: "alice", newAccount: true),
        .roomList([]),
        .roomList([RoomSummary(id: 1, name: "a", playerCount: 1, maxPlayers: 4, inMatch: false, transport: .udp),
                   RoomSummary(id: 2, name: "b", playerCount: 4, maxPlayers: 4, inMatch: true, transport: .tcp)]),
        .roomState(RoomSummary(id: 3, name: "c", playerCount: 2, maxPlayers: 2, inMatch: false, transport: .udp),
                   members: [RoomMember(accountID: 1, name: "x", ready: true), RoomMember(accountID: 2, name: "y", ready: false)]),
        .chatMessage(roomID: 3, fromAccount: 1, fromName: "x", text: "gg"),
        .matchStarting(MatchStart(matchID: 9, sessionID: 0xA1B2_C3D4, sessionKey: Array(0..<32), udpPort: 7778, transport: .udp,
                                  playerID: 3, tickRate: 30, snapshotInterval: 1, durationTicks: 1800, arenaWidth: 64, arenaHeight: 48)),
        .matchStarting(MatchStart(matchID: 10, sessionID: 7, sessionKey: Array(repeating: 0xAB, count: 32), udpPort: 7779, transport: .tcp,
                                  playerID: 2, tickRate: 60, snapshotInterval: 2, durationTicks: 600, arenaWidth: 32, arenaHeight: 32,
                                  roster: [MatchRosterEntry(playerID: 1, accountID: 5, name: "x"), MatchRosterEntry(playerID: 2, accountID: 6, name: "Ÿ-2")])),
        .matchEnded(matchID: 9, standings: [MatchStanding(playerID: 1, accountID: 5, name: "x", score: 12, rank: 1, connected: true),
                                            MatchStanding(playerID: 2, accountID: 6, name: "y", score: 3, rank: 2, connected: false)]),
        .error(code: .badCredentials, message: "wrong name or password"),
        .goingAway(reason: "maintenance"),
        .draining(reason: "update", secondsLeft: 300),
        .pong(nonce: 7),
        .leftRoom,
        .loggedOut,
        .realtime(ByteBuffer(bytes: [1, 2, 3])),
    ]

    @Test(arguments: Self.clientMessages)
    func clientMessageRoundTrips(_ message: ClientMessage) throws {
        #expect(try ClientMessage(decoding: message.encoded()) == message)
    }

    @Test(arguments: Self.serverMessages)
    func serverMessageRoundTrips(_ message: ServerMessage) throws {
        #expect(try ServerMessage(decoding: message.encoded()) == message)
    }

    @Test func helloHasTheDocumentedBytes() {
        let bytes = Array(ClientMessage.hello(version: 1, client: "ab").encoded().readableBytesView)
        #expect(bytes == [0x01, 0x00, 0x01, 0x00, 0x02, 0x61, 0x62])
    }

    @Test(arguments: Self.clientMessages)
    func everyTruncationOfAClientMessageIsRefused(_ message: ClientMessage) {
        let bytes = Array(message.encoded().readableBytesView)
        guard case .realtime = message else {
            for length in 0..<bytes.count {
                // listRooms' page start is optional: the type byte alone is a whole request (the first page).
                if case .listRoomsAfter = message, length == 1 { continue }
                #expect(throws: LobbyDecodingError.self) { try ClientMessage(decoding: ByteBuffer(bytes: bytes.prefix(length))) }
            }
            return
        }
    }

    @Test func trailingBytesAreRefused() {
        var buffer = ClientMessage.logout.encoded()
        buffer.writeInteger(UInt8(0))
        #expect(throws: LobbyDecodingError.trailingBytes(count: 1)) { try ClientMessage(decoding: buffer) }
    }

    @Test func unknownTypesAndBadValuesAreRefused() {
        #expect(throws: LobbyDecodingError.unknownMessageType(0x7F)) { try ClientMessage(decoding: ByteBuffer(bytes: [0x7F])) }
        // A server message type sent by a client is unknown to the server.
        #expect(throws: LobbyDecodingError.unknownMessageType(0x81)) { try ClientMessage(decoding: ByteBuffer(bytes: [0x81])) }
        #expect(throws: LobbyDecodingError.invalidValue(field: "text")) {
            try ClientMessage(decoding: ByteBuffer(bytes: [0x09, 0, 2, 0xC3, 0x28]))
        }
    }

    /// One rule for enumerated fields: a value outside the field's values in an otherwise whole message is
    /// out of range (the server answers invalidArgument and keeps the connection); with bytes after it,
    /// the message is malformed like any other.
    @Test func enumValuesOutOfRangeAreNamedApartFromMalformedMessages() throws {
        #expect(throws: LobbyDecodingError.outOfRange(field: "ready", value: 2)) { try ClientMessage(decoding: ByteBuffer(bytes: [0x0A, 2])) }
        #expect(throws: LobbyDecodingError.outOfRange(field: "ready", value: 255)) { try ClientMessage(decoding: ByteBuffer(bytes: [0x0A, 255])) }
        let createRoom: [UInt8] = [0x06, 0, 1, 0x61, 2]
        #expect(throws: LobbyDecodingError.outOfRange(field: "transport", value: 3)) { try ClientMessage(decoding: ByteBuffer(bytes: createRoom + [3])) }
        #expect(throws: LobbyDecodingError.trailingBytes(count: 1)) { try ClientMessage(decoding: ByteBuffer(bytes: createRoom + [3, 0])) }
        #expect(throws: LobbyDecodingError.trailingBytes(count: 1)) { try ClientMessage(decoding: ByteBuffer(bytes: [0x0A, 2, 0])) }
        #expect(try ClientMessage(decoding: ByteBuffer(bytes: createRoom + [0])) == .createRoom(name: "a", maxPlayers: 2, transport: nil))
        #expect(try ClientMessage(decoding: ByteBuffer(bytes: createRoom + [2])) == .createRoom(name: "a", maxPlayers: 2, transport: .tcp))
    }

    @Test func theRosterFollowsTheArenaSizeOnTheWire() {
        let start = MatchStart(matchID: 1, sessionID: 2, sessionKey: Array(repeating: 0, count: 32), udpPort: 3, transport: .udp,
                               playerID: 1, tickRate: 30, snapshotInterval: 1, durationTicks: 60, arenaWidth: 64, arenaHeight: 64,
                               roster: [MatchRosterEntry(playerID: 1, accountID: 0x0102, name: "ab")])
        let bytes = Array(ServerMessage.matchStarting(start).encoded().readableBytesView)
        // type, match id, session id, key, udp port, transport, player id, tick rate, interval, duration, arena
        let fixed = 1 + 8 + 4 + 32 + 2 + 1 + 1 + 2 + 2 + 4 + 2 + 2
        #expect(bytes.count == fixed + 1 + 1 + 8 + 2 + 2)
        #expect(Array(bytes[fixed...]) == [1, 1, 0, 0, 0, 0, 0, 0, 1, 2, 0, 2, 0x61, 0x62])
    }

    @Test func randomBytesNeverTrap() {
        var generator = SystemRandomNumberGenerator()
        var decoded = 0
        for _ in 0..<20_000 {
            let count = Int.random(in: 0...40, using: &generator)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if (try? ClientMessage(decoding: ByteBuffer(bytes: bytes))) != nil { decoded += 1 }
            _ = try? ServerMessage(decoding: ByteBuffer(bytes: bytes))
        }
        #expect(decoded < 20_000)
    }
}
