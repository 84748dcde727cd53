import Crypto
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NetcodeProtocol
import NetcodeStore

/// Bridges the lobby (async, many threads) and the realtime shards: places each new match on the least
/// loaded shard that is within its tick budget, allocates sessions, hands packets over, and stores
/// results when matches end.
final class MatchDirector: MatchHosting, Sendable {
    /// A shard as the director sees it: its loop-bound handler, its port and its last measured load.
    struct ShardHandle: Sendable {
        let shard: NIOLoopBound<RealtimeShard>
        let eventLoop: any EventLoop
        let udpPort: Int
    }

    let shards: [ShardHandle]
    let settings: MatchSettings
    let tickBudget: Double
    let lobby: LobbyService
    let recorder: ResultRecorder
    let logger: Logger
    /// Result writes (and their announcements) under way; shutdown waits for them.
    let results = TaskTracker()
    private let state: NIOLockedValueBox<DirectorState>

    struct DirectorState {
        var nextMatchID: UInt64
        /// Which shard runs each session (to route realtime frames from tcp matches) and each room.
        var sessionShard: [UInt32: Int] = [:]
        var roomShard: [UInt32: Int] = [:]
        /// The newest load measured on each shard, and the players of the matches placed on it and not
        /// yet finished (counted here, at placement, so two quick placements never see the same count).
        var loads: [ShardLoad]
        var placed: [Int]
    }

    /// Why a match could not be placed.
    enum PlacementError: Error, CustomStringConvertible {
        case overloaded(shards: Int, budget: Double)

        var description: String {
            switch self {
            case .overloaded(let shards, let budget):
                return "all \(shards) realtime shards are over their tick budget (\(Int(budget * 100))% of a core)"
            }
        }
    }

    /// Call before any match starts; installs the end-of-match hook on every shard (on its loop).
    init(shards: [ShardHandle], settings: MatchSettings, tickBudget: Double, firstMatchID: UInt64, lobby: LobbyService, recorder: ResultRecorder, logger: Logger) async throws {
        self.shards = shards
        self.settings = settings
        self.tickBudget = tickBudget
        self.lobby = lobby
        self.recorder = recorder
        self.logger = logger
        self.state = NIOLockedValueBox(DirectorState(
            nextMatchID: firstMatchID,
            loads: Array(repeating: ShardLoad(), count: shards.count),
            placed: Array(repeating: 0, count: shards.count)
        ))
        for (index, handle) in shards.enumerated() {
            let shard = handle.shard
            let state = self.state
            let results = self.results
            try await handle.eventLoop.submit {
                shard.value.onMatchFinished = { [recorder, lobby, logger, results] outcome, completed, sessions in
                    state.withLockedValue { state in
                        for id in sessions { state.sessionShard[id] = nil }
                        if state.roomShard[outcome.roomID] == index { state.roomShard[outcome.roomID] = nil }
                        state.placed[index] = max(state.placed[index] - sessions.count, 0)
                    }
                    guard completed else {
                        logger.notice("match abandoned without a result", metadata: ["match": "\(outcome.record.id)"])
                        return
                    }
                    // A match every player left (or timed out of) is not a match played: no row. The
                    // lobby still hears of the end, so a room whose members stayed in it opens again.
                    guard outcome.record.players.contains(where: \.connectedAtEnd) else {
                        logger.notice("match ended with every player gone; not recorded", metadata: ["match": "\(outcome.record.id)"])
                        results.spawn { await lobby.matchEnded(roomID: outcome.roomID, matchID: UInt64(outcome.record.id), standings: []) }
                        return
                    }
                    // Off the tick: the result is stored first, then announced, so every result a client
                    // hears of is in the database. The write is registered before this returns, so a
                    // shutdown that waits for `results` cannot miss it.
                    results.spawn {
                        let stored = await recorder.record(outcome.record)
                        await lobby.matchEnded(roomID: outcome.roomID, matchID: UInt64(outcome.record.id), standings: stored ? outcome.standings : [])
                    }
                }
            }.get()
        }
    }

    /// The shard for a new match of `players`: the one with the fewest players among those within their
    /// tick budget.
    private func place(players: Int) throws -> Int {
        try self.state.withLockedValue { state in
            guard let best = Self.choose(loads: state.loads, placed: state.placed, budget: self.tickBudget) else {
                throw PlacementError.overloaded(shards: self.shards.count, budget: self.tickBudget)
            }
            state.placed[best] += players
            return best
        }
    }

    /// The shard for a new match: among shards within `budget`, the one with the fewest players placed
    /// on it (`placed`, counted at placement and released when its matches end); the lowest index on a
    /// tie. `nil` when every shard is over its budget.
    static func choose(loads: [ShardLoad], placed: [Int], budget: Double) -> Int? {
        var best: Int?
        for index in loads.indices where !loads[index].isOverBudget(budget) {
            if best.map({ placed[index] < placed[$0] }) ?? true { best = index }
        }
        return best
    }

    /// Takes a new load measurement of every shard (the server's status loop calls this each second).
    func measureLoads() async -> [ShardLoad] {
        let tickNanos = UInt64(1_000_000_000 / self.settings.tickRate)
        var loads: [ShardLoad] = []
        for handle in self.shards {
            let shard = handle.shard
            let load = (try? await handle.eventLoop.submit { shard.value.measureLoad(tickNanos: tickNanos) }.get()) ?? ShardLoad()
            loads.append(load)
        }
        self.state.withLockedValue { state in
            for index in loads.indices {
                var load = loads[index]
                load.lateBefore = state.loads[index].isLate
                state.loads[index] = load
            }
        }
        return loads
    }

    func startMatch(_ launch: MatchLaunch) async throws -> [UInt64: MatchStart] {
        let shardIndex = try self.place(players: launch.players.count)
        let matchID = self.state.withLockedValue { state in
            defer { state.nextMatchID += 1 }
            return state.nextMatchID
        }
        let seed = self.settings.seed.map { $0 &+ matchID } ?? UInt64.random(in: 0...UInt64.max)
        var handles: [ConnectionID: LobbyConnectionHandleReference] = [:]
        if launch.transport == .tcp {
            for player in launch.players {
                if let handle = await self.lobby.reference(for: player.connection) { handles[player.connection] = handle }
            }
        }
        let settings = self.settings
        let handle = self.shards[shardIndex]
        let shard = handle.shard
        let logger = self.logger
        let handlesByConnection = handles
        let state = self.state
        return try await handle.eventLoop.submit { () throws -> [UInt64: MatchStart] in
            let server = shard.value
            let now = RealtimeShard.now()
            var slots: [PlayerSlot] = []
            var starts: [UInt64: MatchStart] = [:]
            // Player ids are 1, 2, ... in the room's join order; every player gets the whole roster.
            let roster = launch.players.enumerated().map { index, player in
                MatchRosterEntry(playerID: UInt8(index + 1), accountID: player.account.id, name: player.account.name)
            }
            // Session ids are unique across shards: tcp frames are routed to a shard by session id.
            let sessionIDs = Self.reserveSessions(launch.players.count, room: launch.roomID, shard: shardIndex, in: state)
            for (index, player) in launch.players.enumerated() {
                let sessionID = sessionIDs[index]
                let key = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
                let playerID = roster[index].playerID
                slots.append(PlayerSlot(account: player.account, playerID: playerID, sessionID: sessionID, key: key, tcp: handlesByConnection[player.connection], now: now, lobbyConnection: player.connection))
                starts[player.account.id] = MatchStart(
                    matchID: matchID, sessionID: sessionID, sessionKey: key, udpPort: UInt16(handle.udpPort), transport: launch.transport,
                    playerID: playerID, tickRate: UInt16(settings.tickRate), snapshotInterval: UInt16(settings.snapshotInterval),
                    durationTicks: UInt32(settings.gameConfig(seed: seed, maxPlayers: launch.players.count).durationTicks),
                    arenaWidth: UInt16(settings.arenaWidth), arenaHeight: UInt16(settings.arenaHeight),
                    roster: roster
                )
            }
            do {
                let runner = try MatchRunner(
                    matchID: matchID, roomID: launch.roomID, roomName: launch.roomName, transport: launch.transport,
                    settings: settings, seed: seed, slots: slots, now: now, logger: logger
                )
                server.add(runner)
            } catch {
                Self.releaseSessions(sessionIDs, room: launch.roomID, shard: shardIndex, in: state)
                throw error
            }
            logger.info("match started", metadata: [
                "match": "\(matchID)", "room": "\(launch.roomName)", "players": "\(slots.count)",
                "transport": "\(launch.transport)", "shard": "\(shardIndex)",
            ])
            return starts
        }.get()
    }

    /// A new session id routed to shard `index` (a returning player's), or nil if none could be found.
    func reserveSession(on index: Int) -> UInt32? {
        self.state.withLockedValue { state in
            for _ in 0..<64 {
                let id = UInt32.random(in: 1...UInt32.max)
                if state.sessionShard[id] == nil {
                    state.sessionShard[id] = index
                    return id
                }
            }
            return nil
        }
    }

    /// Forgets a session id's route (replaced by a rejoin, or reserved and not used).
    func releaseSession(_ id: UInt32) {
        _ = self.state.withLockedValue { $0.sessionShard.removeValue(forKey: id) }
    }

    private static func reserveSessions(_ count: Int, room: UInt32, shard: Int, in box: NIOLockedValueBox<DirectorState>) -> [UInt32] {
        box.withLockedValue { state in
            var ids: [UInt32] = []
            for _ in 0..<count {
                var id: UInt32
                repeat { id = UInt32.random(in: 1...UInt32.max) } while state.sessionShard[id] != nil || ids.contains(id)
                state.sessionShard[id] = shard
                ids.append(id)
            }
            state.roomShard[room] = shard
            return ids
        }
    }

    private static func releaseSessions(_ ids: [UInt32], room: UInt32, shard: Int, in box: NIOLockedValueBox<DirectorState>) {
        box.withLockedValue { state in
            for id in ids { state.sessionShard[id] = nil }
            state.roomShard[room] = nil
            state.placed[shard] = max(state.placed[shard] - ids.count, 0)
        }
    }

    func playerLeft(roomID: UInt32, accountID: UInt64, reason: DisconnectMessage.Reason) async {
        guard let index = self.state.withLockedValue({ $0.roomShard[roomID] }) else { return }
        let shard = self.shards[index].shard
        self.shards[index].eventLoop.execute { shard.value.playerLeft(roomID: roomID, accountID: accountID, reason: reason) }
    }

    /// The shard a room's match runs on, while it runs.
    func shardIndex(ofRoom roomID: UInt32) -> Int? {
        self.state.withLockedValue { $0.roomShard[roomID] }
    }

    func receivedRealtimeFrame(_ packet: ByteBuffer, from connection: ConnectionID) async {
        guard let sessionID = PacketHeader.peekSessionID(packet),
              let index = self.state.withLockedValue({ $0.sessionShard[sessionID] })
        else { return }
        let shard = self.shards[index].shard
        self.shards[index].eventLoop.execute { shard.value.receiveOverTCP(packet, from: connection) }
    }
}
