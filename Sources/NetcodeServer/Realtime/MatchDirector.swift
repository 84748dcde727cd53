import Crypto
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NetcodeProtocol
import NetcodeStore

/// Bridges the lobby (async, many threads) and the realtime event loop: allocates matches and sessions,
/// hands packets over, and stores results when matches end.
final class MatchDirector: MatchHosting, Sendable {
    let realtime: NIOLoopBound<RealtimeServer>
    let eventLoop: any EventLoop
    let settings: MatchSettings
    let udpPort: Int
    let lobby: LobbyService
    let recorder: ResultRecorder
    let logger: Logger
    private let nextMatchID: NIOLockedValueBox<UInt64>

    /// Call on the realtime event loop.
    init(realtime: RealtimeServer, udpPort: Int, settings: MatchSettings, firstMatchID: UInt64, lobby: LobbyService, recorder: ResultRecorder, logger: Logger) {
        self.realtime = NIOLoopBound(realtime, eventLoop: realtime.eventLoop)
        self.eventLoop = realtime.eventLoop
        self.settings = settings
        self.udpPort = udpPort
        self.lobby = lobby
        self.recorder = recorder
        self.logger = logger
        self.nextMatchID = NIOLockedValueBox(firstMatchID)
        realtime.onMatchFinished = { [recorder, lobby, logger] outcome, completed in
            guard completed else {
                logger.notice("match abandoned without a result", metadata: ["match": "\(outcome.record.id)"])
                return
            }
            // A match every player left (or timed out of) is not a match played: no row. The lobby still
            // hears of the end, so a room whose members stayed in it opens again.
            guard outcome.record.players.contains(where: \.connectedAtEnd) else {
                logger.notice("match ended with every player gone; not recorded", metadata: ["match": "\(outcome.record.id)"])
                Task { await lobby.matchEnded(roomID: outcome.roomID, matchID: UInt64(outcome.record.id), standings: []) }
                return
            }
            // Off the tick: the result is stored first, then announced, so every result a client hears
            // of is in the database.
            Task {
                let stored = await recorder.record(outcome.record)
                await lobby.matchEnded(roomID: outcome.roomID, matchID: UInt64(outcome.record.id), standings: stored ? outcome.standings : [])
            }
        }
    }

    func startMatch(_ launch: MatchLaunch) async throws -> [UInt64: MatchStart] {
        let matchID = self.nextMatchID.withLockedValue { id in
            defer { id += 1 }
            return id
        }
        let seed = self.settings.seed.map { $0 &+ matchID } ?? UInt64.random(in: 0...UInt64.max)
        var handles: [ConnectionID: LobbyConnectionHandleReference] = [:]
        if launch.transport == .tcp {
            for player in launch.players {
                if let handle = await self.lobby.reference(for: player.connection) { handles[player.connection] = handle }
            }
        }
        let settings = self.settings
        let udpPort = self.udpPort
        let realtime = self.realtime
        let logger = self.logger
        let handlesByConnection = handles
        return try await self.eventLoop.submit { () throws -> [UInt64: MatchStart] in
            let server = realtime.value
            let now = UInt64(NIODeadline.now().uptimeNanoseconds)
            var slots: [PlayerSlot] = []
            var starts: [UInt64: MatchStart] = [:]
            for (index, player) in launch.players.enumerated() {
                var sessionID: UInt32
                repeat { sessionID = UInt32.random(in: 1...UInt32.max) } while server.isSessionInUse(sessionID) || slots.contains { $0.sessionID == sessionID }
                let key = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
                let playerID = UInt8(index + 1)
                slots.append(PlayerSlot(account: player.account, playerID: playerID, sessionID: sessionID, key: key, tcp: handlesByConnection[player.connection], now: now))
                starts[player.account.id] = MatchStart(
                    matchID: matchID, sessionID: sessionID, sessionKey: key, udpPort: UInt16(udpPort), transport: launch.transport,
                    playerID: playerID, tickRate: UInt16(settings.tickRate), snapshotInterval: UInt16(settings.snapshotInterval),
                    durationTicks: UInt32(settings.gameConfig(seed: seed, maxPlayers: slots.count).durationTicks),
                    arenaWidth: UInt16(settings.arenaWidth), arenaHeight: UInt16(settings.arenaHeight)
                )
            }
            let runner = try MatchRunner(
                matchID: matchID, roomID: launch.roomID, roomName: launch.roomName, transport: launch.transport,
                settings: settings, seed: seed, slots: slots, server: server
            )
            server.add(runner)
            logger.info("match started", metadata: [
                "match": "\(matchID)", "room": "\(launch.roomName)", "players": "\(slots.count)", "transport": "\(launch.transport)",
            ])
            return starts
        }.get()
    }

    func playerLeft(roomID: UInt32, accountID: UInt64) async {
        let realtime = self.realtime
        self.eventLoop.execute { realtime.value.playerLeft(roomID: roomID, accountID: accountID) }
    }

    func receivedRealtimeFrame(_ packet: ByteBuffer, from connection: ConnectionID) async {
        let realtime = self.realtime
        self.eventLoop.execute {
            realtime.value.receiveOverTCP(packet, from: connection)
            realtime.value.flush()
        }
    }
}
