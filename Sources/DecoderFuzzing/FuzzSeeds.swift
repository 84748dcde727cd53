import Foundation
import LinkEmulator
import NetcodeProtocol
import NIOCore

/// Valid inputs for every target, built from the encoders, so a corpus starts from what real peers send
/// and follows the wire format when it changes. `netcode fuzz-seeds` writes them as files for libFuzzer.
public enum FuzzSeeds {
    /// The session the realtime target's connection authenticates.
    public static let sessionID: UInt32 = 0x00C0_FFEE
    /// Its 32-byte key.
    public static let sessionKey: [UInt8] = (0..<32).map { UInt8($0 &* 7 &+ 3) }

    /// The state kept as the baseline of delta snapshots (tick 100).
    public static let baselineState = SnapshotState(
        tick: 100,
        players: [
            PlayerSnapshot(id: 0, x: 1_000, y: 2_000, score: 3, connected: true),
            PlayerSnapshot(id: 1, x: 30_000, y: 40_000, score: 0, connected: true),
            PlayerSnapshot(id: 2, x: 65_535, y: 0, score: 65_535, connected: false),
        ],
        coins: (0..<12).map { CoinSnapshot(id: UInt16($0), x: UInt16($0) &* 4_000, y: 60_000 &- UInt16($0) &* 3_000) }
    )

    /// The seeds of a target.
    public static func seeds(for target: FuzzTarget) -> [[UInt8]] {
        switch target {
        case .lobbyFrames: return [framed(clientMessages)]  + clientMessages.map { framed([$0]) }
        case .clientMessage: return clientMessages
        case .serverMessage: return serverMessages
        case .realtimeOpen: return sealedPackets + [[PacketType.input.rawValue] + inputPayloads[0], [PacketType.snapshot.rawValue] + snapshotPayloads[1]]
        case .inputMessage: return inputPayloads
        case .snapshot: return snapshotPayloads
        case .impairmentSpec: return impairmentSpecs.map { Array($0.utf8) }
        case .networkFile: return networkFiles
        }
    }

    static func bytes(_ buffer: ByteBuffer) -> [UInt8] { Array(buffer.readableBytesView) }

    static func framed(_ payloads: [[UInt8]]) -> [UInt8] {
        payloads.flatMap { payload in withUnsafeBytes(of: UInt32(payload.count).bigEndian, Array.init) + payload }
    }

    static let clientMessages: [[UInt8]] = [
        ClientMessage.hello(version: 1, client: "netcode-bot/1"),
        .register(name: "alice", password: "correct horse battery"),
        .login(name: "alice", password: "correct horse battery"),
        .logout, .listRooms, .listRoomsAfter(50),
        .createRoom(name: "room one", maxPlayers: 4, transport: .udp),
        .createRoom(name: "tcp room", maxPlayers: 2, transport: nil),
        .joinRoom(id: 7), .leaveRoom, .chat(text: "gg"), .setReady(true), .ping(nonce: 0xDEAD_BEEF),
        .realtime(ByteBuffer(bytes: sealedPackets[0])),
    ].map { bytes($0.encoded()) }

    static let serverMessages: [[UInt8]] = {
        let room = RoomSummary(id: 7, name: "room one", playerCount: 2, maxPlayers: 4, inMatch: false, transport: .udp)
        let start = MatchStart(
            matchID: 9, sessionID: sessionID, sessionKey: sessionKey, udpPort: 7_778, transport: .udp, playerID: 1,
            tickRate: 60, snapshotInterval: 3, durationTicks: 3_600, arenaWidth: 100, arenaHeight: 60
        )
        let messages: [ServerMessage] = [
            .welcome(version: 1, server: "netcode", maximumFrameSize: 65_536),
            .loggedIn(accountID: 42, name: "alice", newAccount: true),
            .roomList([room, RoomSummary(id: 8, name: "tcp", playerCount: 1, maxPlayers: 2, inMatch: true, transport: .tcp)]),
            .roomState(room, members: [RoomMember(accountID: 42, name: "alice", ready: true), RoomMember(accountID: 43, name: "bob", ready: false)]),
            .chatMessage(roomID: 7, fromAccount: 42, fromName: "alice", text: "gg"),
            .matchStarting(start),
            .matchEnded(matchID: 9, standings: [MatchStanding(playerID: 1, accountID: 42, name: "alice", score: 12, rank: 1, connected: true)]),
            .error(code: .serverFull, message: "the server is full"),
            .goingAway(reason: "shutting down"), .pong(nonce: 1), .leftRoom, .loggedOut,
            .realtime(ByteBuffer(bytes: sealedPackets[1])),
        ]
        return messages.map { bytes($0.encoded()) }
    }()

    static let inputPayloads: [[UInt8]] = [
        InputMessage(newestSequence: 1, inputs: [InputCommand(moveX: 1, moveY: -1, buttons: 0)]),
        InputMessage(newestSequence: 500, inputs: (0..<16).map { InputCommand(moveX: Int8($0 - 8), moveY: 127, buttons: UInt8($0)) }),
        InputMessage(newestSequence: 0, inputs: []),
    ].map { bytes($0.encoded()) }

    static let snapshotPayloads: [[UInt8]] = {
        var moved = baselineState.players
        moved[0].x &+= 40
        moved[1].score += 1
        let next = SnapshotState(tick: 103, players: moved, coins: Array(baselineState.coins.dropFirst(2)) + [CoinSnapshot(id: 40, x: 5, y: 6)])
        let full = SnapshotMessage(state: baselineState, sendTimeMicrosLow: 123_456, lastProcessedInput: 77)
        let delta = SnapshotMessage(state: next, sendTimeMicrosLow: 123_999, lastProcessedInput: 80)
        return [
            (try? SnapshotCodec.encode(full, baseline: nil)).map(bytes) ?? [],
            (try? SnapshotCodec.encode(delta, baseline: baselineState)).map(bytes) ?? [],
            (try? SnapshotCodec.encode(delta, baseline: nil)).map(bytes) ?? [],
        ]
    }()

    /// Packets sealed with ``sessionKey``, one of each type, in sequence order from one peer.
    public static let sealedPackets: [[UInt8]] = {
        var peer = RealtimeConnection(sessionID: sessionID, keyBytes: sessionKey)
        let payloads: [(PacketType, [UInt8])] = [
            (.input, inputPayloads[1]), (.snapshot, snapshotPayloads[0]), (.keepalive, []),
            (.disconnect, bytes(DisconnectMessage(reason: .init(rawValue: 1)).encoded())),
            (.challenge, bytes(PathChallenge(token: 0x0123_4567_89AB_CDEF).encoded())),
            (.response, bytes(PathChallenge(token: 0x0123_4567_89AB_CDEF).encoded())),
        ]
        return payloads.map { type, payload in bytes(peer.seal(type: type, payload: ByteBuffer(bytes: payload), now: 1)) }
    }()

    static let impairmentSpecs = [
        "loss=5%,latency=40ms", "none", "",
        "loss=5%,latency=40ms,jitter=10ms,reorder=1%,reorderDelay=30ms,duplicate=0.5%,rate=2mbit,queueLimit=64kb,burst=1%/30%",
        "latency=1.5s jitter=250us rate=10kbit queueLimit=1500b", "burst=0.5%/50%,rate=1gbit",
    ]

    static let networkFiles: [[UInt8]] = LinkProfile.presets.compactMap { try? $0.jsonData() }.map { Array($0) } + [
        Array(#"{"name":"x","about":"y","both":{"loss":"25%","latency":"1000ms","jitter":"100ms","duplicate":"25%"}}"#.utf8),
        Array(#"{"name":"x","about":"y","upstream":{"loss":"1%"},"downstream":{"rate":"2mbit","queueLimit":"64kb"}}"#.utf8),
    ]
}

extension FuzzTarget {
    /// Writes this target's seeds into `directory` (created if needed), one file each, named by content
    /// so writing twice adds nothing.
    public func writeSeeds(to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for seed in FuzzSeeds.seeds(for: self) {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325 // FNV-1a: a stable name for the same bytes
            for byte in seed { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            let path = directory + "/seed-" + String(hash, radix: 16)
            try Data(seed).write(to: URL(fileURLWithPath: path))
        }
    }
}
