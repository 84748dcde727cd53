import Foundation
import GameSimulation
import Logging
import NIOCore
import NetcodeProtocol
import NetcodeStore

/// One running match: the authoritative world stepped at a fixed tick, its players' realtime sessions,
/// and the snapshots sent to them.
///
/// Confined to the realtime event loop, like everything it touches: datagrams and ticks are handled on
/// one thread, in order, without locks.
final class MatchRunner {
    let matchID: UInt64
    let roomID: UInt32
    let roomName: String
    let transport: UpdateTransport
    let settings: MatchSettings
    let seed: UInt64
    let quantizer: Quantizer
    private(set) var world: World
    var slots: [PlayerSlot]
    private let startedAt = Date()
    private let tickInterval: TimeAmount
    private var nextTick: NIODeadline
    private var scheduled: Scheduled<Void>?
    private(set) var finished = false
    private let maximumCatchUp = 5
    unowned let server: RealtimeServer

    init(matchID: UInt64, roomID: UInt32, roomName: String, transport: UpdateTransport, settings: MatchSettings, seed: UInt64, slots: [PlayerSlot], server: RealtimeServer) throws {
        self.matchID = matchID
        self.roomID = roomID
        self.roomName = roomName
        self.transport = transport
        self.settings = settings
        self.seed = seed
        self.slots = slots
        self.server = server
        let config = settings.gameConfig(seed: seed, maxPlayers: slots.count)
        try config.validate()
        var world = World(config: config)
        for slot in slots { try world.addPlayer(slot.playerID) }
        self.world = world
        self.quantizer = Quantizer(width: Float(settings.arenaWidth), height: Float(settings.arenaHeight))
        self.tickInterval = .nanoseconds(Int64(1_000_000_000 / settings.tickRate))
        self.nextTick = .now() + self.tickInterval
    }

    func start() {
        self.schedule()
    }

    private func schedule() {
        self.scheduled = self.server.eventLoop.assumeIsolated().scheduleTask(deadline: self.nextTick) { [weak self] in
            self?.runDueTicks()
        }
    }

    /// Runs every tick whose time has come (a late wake-up catches up, up to a limit), then sends one
    /// snapshot of the newest state.
    private func runDueTicks() {
        let wokeAt = NIODeadline.now()
        var steps = 0
        while self.nextTick <= wokeAt, steps < self.maximumCatchUp, !self.world.isFinished {
            self.world.step()
            self.nextTick = self.nextTick + self.tickInterval
            steps += 1
        }
        if self.nextTick <= wokeAt {
            // Too far behind to catch up: skip ahead rather than run a burst of stale ticks.
            let behind = Int((wokeAt - self.nextTick).nanoseconds / self.tickInterval.nanoseconds) + 1
            self.server.countSkippedTicks(behind)
            self.nextTick = self.nextTick + .nanoseconds(self.tickInterval.nanoseconds * Int64(behind))
        }
        if steps > 0 { self.afterSteps(now: UInt64(wokeAt.uptimeNanoseconds)) }
        self.server.recordTickCost(NIODeadline.now() - wokeAt)
        if self.world.isFinished || !self.slots.contains(where: \.connected) {
            self.finish(reason: .matchEnded)
        } else {
            self.schedule()
        }
    }

    /// One tick's work without the scheduling: step the world once and do what follows a step. The tick
    /// benchmark drives matches through this with its own clock.
    func tickOnce(now: UInt64) {
        self.world.step()
        self.afterSteps(now: now)
    }

    /// Times out silent players and, on snapshot ticks, sends every player a snapshot.
    private func afterSteps(now: UInt64) {
        self.expireSilentPlayers(now: now)
        if Int(self.world.tick) % self.settings.snapshotInterval == 0 || self.world.isFinished {
            self.sendSnapshots(now: now)
        }
    }

    private func sendSnapshots(now: UInt64) {
        let state = self.snapshotState()
        for index in self.slots.indices where self.slots[index].connected {
            let sequence = self.slots[index].connection.nextSequence
            let payload: ByteBuffer
            do {
                payload = try self.slots[index].baselines.makePayload(
                    for: state,
                    lastProcessedInput: self.slots[index].inputs.newestSequence,
                    now: now,
                    sequence: sequence
                )
            } catch {
                self.server.logger.error("snapshot could not be encoded", metadata: ["match": "\(self.matchID)", "error": "\(error)"])
                continue
            }
            let packet = self.slots[index].connection.seal(type: .snapshot, payload: payload, now: now)
            self.slots[index].snapshotsSent += 1
            self.deliver(packet, to: index)
        }
        self.server.flush()
    }

    private func deliver(_ packet: ByteBuffer, to index: Int) {
        switch self.transport {
        case .udp:
            // Until the client's first packet we don't know its address; the snapshot is counted as
            // sent and lost, as it would be on a real network.
            if let address = self.slots[index].address { self.server.send(packet, to: address) }
        case .tcp:
            self.slots[index].tcp?.send(.realtime(packet))
        }
    }

    func snapshotState() -> SnapshotState {
        let players = self.world.players.map { player in
            PlayerSnapshot(
                id: player.id,
                x: self.quantizer.quantizeX(player.x),
                y: self.quantizer.quantizeY(player.y),
                score: player.score,
                connected: player.connected
            )
        }
        let coins = self.world.coins.map { CoinSnapshot(id: $0.id, x: self.quantizer.quantizeX($0.x), y: self.quantizer.quantizeY($0.y)) }
        return SnapshotState(tick: self.world.tick, players: players, coins: coins)
    }

    /// An authentic-or-not packet for one of this match's sessions. `address` is nil for packets that
    /// came over the player's TCP connection.
    func receive(_ packet: ByteBuffer, slot index: Int, from address: SocketAddress?, now: UInt64) {
        guard self.slots[index].connected else { return }
        let newestBefore = self.slots[index].connection.newestReceivedSequence
        switch self.slots[index].connection.open(packet, now: now) {
        case .dropped(let reason):
            self.server.countDrop(reason)
        case .accepted(let type, let payload, let newlyAcked):
            // Follow the client to a new address (NAT rebinding) only on its newest authentic packet, so a
            // reordered or captured older one can't pull the stream elsewhere.
            if let address, self.slots[index].address != address,
               self.slots[index].connection.newestReceivedSequence != newestBefore {
                self.slots[index].address = address
            }
            self.slots[index].baselines.acknowledge(newlyAcked)
            switch type {
            case .input:
                do {
                    let message = try InputMessage.decode(payload)
                    if let newest = self.slots[index].inputs.receive(message).last {
                        let command = newest.command
                        self.world.setInput(PlayerInput(moveX: command.moveX, moveY: command.moveY, buttons: command.buttons), for: self.slots[index].playerID)
                    }
                } catch {
                    self.slots[index].connection.recordDrop(.malformedPayload)
                    self.server.countDrop(.malformedPayload)
                }
            case .disconnect:
                self.leave(index, reason: "sent disconnect")
            case .keepalive, .snapshot:
                break
            }
        }
    }

    /// The player left the room or lost the lobby connection.
    func leave(accountID: UInt64) {
        guard let index = self.slots.firstIndex(where: { $0.account.id == accountID }) else { return }
        self.leave(index, reason: "left the room")
    }

    private func leave(_ index: Int, reason: String) {
        guard self.slots[index].connected else { return }
        self.slots[index].connected = false
        self.world.removePlayer(self.slots[index].playerID)
        self.server.logger.info("player left the match", metadata: [
            "match": "\(self.matchID)", "player": "\(self.slots[index].account.name)", "reason": "\(reason)",
        ])
    }

    private func expireSilentPlayers(now: UInt64) {
        let timeout = UInt64(self.settings.sessionTimeout.components.seconds) * 1_000_000_000
            + UInt64(self.settings.sessionTimeout.components.attoseconds / 1_000_000_000)
        for index in self.slots.indices where self.slots[index].connected {
            let last = self.slots[index].connection.lastReceivedAt ?? self.slots[index].joinedAt
            if now > last, now - last > timeout { self.leave(index, reason: "timed out") }
        }
    }

    /// Ends the match: tells connected UDP players with a disconnect packet, hands the outcome on.
    func finish(reason: DisconnectMessage.Reason) {
        guard !self.finished else { return }
        self.finished = true
        self.scheduled?.cancel()
        let now = UInt64(NIODeadline.now().uptimeNanoseconds)
        for index in self.slots.indices where self.slots[index].connected {
            let packet = self.slots[index].connection.seal(type: .disconnect, payload: DisconnectMessage(reason: reason).encoded(), now: now)
            self.deliver(packet, to: index)
        }
        self.server.flush()
        self.logConnectionStatistics()
        self.server.matchFinished(self, completed: reason == .matchEnded)
    }

    /// One line per player with the connection's statistics, as GameNetworkingSockets reports them.
    private func logConnectionStatistics() {
        let seconds = max(Double(self.world.tick) / Double(self.settings.tickRate), 0.001)
        for slot in self.slots {
            let stats = slot.connection.stats
            func ms(_ value: Double?) -> String { value.map { String(format: "%.1f", $0) } ?? "-" }
            func percent(_ value: Double?) -> String { value.map { String(format: "%.2f", $0 * 100) } ?? "-" }
            self.server.logger.info("connection statistics", metadata: [
                "match": "\(self.matchID)", "player": "\(slot.account.name)",
                "rtt_ms": "\(ms(stats.smoothedRTTMilliseconds))", "jitter_ms": "\(ms(stats.rttVariationMilliseconds))",
                "loss_up_pct": "\(percent(stats.lossRemoteToLocal))", "loss_down_pct": "\(percent(stats.lossLocalToRemote))",
                "out_of_order": "\(stats.outOfOrder)", "duplicates": "\(stats.duplicates)",
                "in_bps": "\(Int(Double(stats.bytesReceived) / seconds))", "out_bps": "\(Int(Double(stats.bytesSent) / seconds))",
                "inputs": "\(slot.inputs.stats.inputsReceived)", "inputs_recovered": "\(slot.inputs.stats.inputsRecovered)",
            ])
        }
    }

    func outcome() -> MatchOutcome {
        let results = self.world.results()
        let winner = self.world.winner
        var players: [MatchPlayerRecord] = []
        var standings: [MatchStanding] = []
        for result in results.sorted(by: { ($0.rank, $0.id) < ($1.rank, $1.id) }) {
            guard let slot = self.slots.first(where: { $0.playerID == result.id }) else { continue }
            let stats = slot.connection.stats
            players.append(MatchPlayerRecord(
                accountID: Int64(slot.account.id),
                playerIndex: Int(slot.playerID),
                name: slot.account.name,
                score: Int(result.score),
                rank: result.rank,
                connectedAtEnd: slot.connected,
                inputsReceived: Int(slot.inputs.stats.inputsReceived),
                snapshotsSent: slot.snapshotsSent,
                lossUp: min(max(stats.lossRemoteToLocal ?? 0, 0), 1),
                lossDown: min(max(stats.lossLocalToRemote ?? 0, 0), 1),
                rttMs: stats.smoothedRTTMilliseconds ?? 0
            ))
            standings.append(MatchStanding(
                playerID: slot.playerID, accountID: slot.account.id, name: slot.account.name,
                score: result.score, rank: UInt8(clamping: result.rank), connected: slot.connected
            ))
        }
        let winnerAccount = winner.flatMap { id in self.slots.first { $0.playerID == id } }.map { Int64($0.account.id) }
        let record = MatchRecord(
            id: Int64(self.matchID),
            roomName: self.roomName,
            startedAt: self.startedAt,
            endedAt: Date(),
            tickRate: self.settings.tickRate,
            durationTicks: Int(self.world.tick),
            transport: self.transport == .udp ? .udp : .tcp,
            networkProfile: self.settings.networkProfile,
            seed: self.seed,
            winnerAccountID: winnerAccount,
            players: players
        )
        return MatchOutcome(roomID: self.roomID, record: record, standings: standings)
    }
}
