import DatagramBatch
import Foundation
import GameSimulation
import Logging
import NIOCore
import NetcodeProtocol
import NetcodeStore

/// One running match: the authoritative world stepped at a fixed tick, its players' realtime sessions,
/// and the snapshots sent to them.
///
/// A state machine without sockets or timers: datagrams, the time and "run what is due" go in, and
/// what to send (and what to count) comes out in a ``MatchOutput``. The shard that owns the match calls
/// it on its event loop and carries the output out; the tick benchmark drives the same code with its own
/// clock. A match lives on one shard, so nothing here needs a lock.
final class MatchRunner {
    let matchID: UInt64
    let roomID: UInt32
    let roomName: String
    let transport: UpdateTransport
    let settings: MatchSettings
    let seed: UInt64
    let quantizer: Quantizer
    private(set) var world: World
    let slots: [PlayerSlot]
    private let startedAt = Date()
    private let tickNanos: UInt64
    private let sessionTimeoutNanos: UInt64
    /// When the next tick is due, in nanoseconds of the monotonic clock the host passes in.
    private(set) var nextTickDue: UInt64
    private(set) var finished = false
    /// Why the match finished, once it has.
    private(set) var finishReason: DisconnectMessage.Reason?
    private let maximumCatchUp = 5
    private let logger: Logger
    /// The states sent in the last ticks, the baselines of every player's deltas: one ring for the match.
    private var history = SnapshotRing(capacity: SnapshotBaselineTracker.historyCapacity(maxBaselineAge: SnapshotBaselineTracker.defaultMaxBaselineAge))
    /// The seats' addresses, for ``prefetchSeats()``.
    private let slotAddresses: [UnsafeRawPointer]
    /// Cache lines of a seat (every seat is the same class; measured at the first).
    let slotLines: Int
    /// Where each player's packet lies in the tick's shared buffer (kept between ticks for its capacity).
    private var written: [WrittenPacket] = []

    private struct WrittenPacket {
        var slot: Int
        var start: Int
        var length: Int
    }

    init(matchID: UInt64, roomID: UInt32, roomName: String, transport: UpdateTransport, settings: MatchSettings, seed: UInt64, slots: [PlayerSlot], now: UInt64, logger: Logger) throws {
        self.matchID = matchID
        self.roomID = roomID
        self.roomName = roomName
        self.transport = transport
        self.settings = settings
        self.seed = seed
        self.slots = slots
        self.slotAddresses = slots.map { UnsafeRawPointer(Unmanaged.passUnretained($0).toOpaque()) }
        self.slotLines = slots.first.map { cacheLines(of: $0) } ?? 1
        self.logger = logger
        let config = settings.gameConfig(seed: seed, maxPlayers: slots.count)
        try config.validate()
        var world = World(config: config)
        for slot in slots { try world.addPlayer(slot.playerID) }
        self.world = world
        self.quantizer = Quantizer(width: Float(settings.arenaWidth), height: Float(settings.arenaHeight))
        self.tickNanos = UInt64(1_000_000_000 / settings.tickRate)
        let timeout = settings.sessionTimeout.components
        self.sessionTimeoutNanos = UInt64(max(timeout.seconds, 0)) * 1_000_000_000 + UInt64(max(timeout.attoseconds, 0) / 1_000_000_000)
        self.nextTickDue = now + self.tickNanos
    }

    /// Sets when the first tick is due (the shard puts every match on its own tick grid).
    func startTicking(at due: UInt64) {
        self.nextTickDue = due
    }

    /// Runs every tick whose time has come (a late call catches up, up to a limit), then sends one
    /// snapshot of the newest state. Finishes the match when the game is over or nobody is left.
    func runDueTicks(now: UInt64, output: inout MatchOutput) {
        guard !self.finished else { return }
        var steps = 0
        if self.nextTickDue <= now { self.applyPendingInputs() }
        while self.nextTickDue <= now, steps < self.maximumCatchUp, !self.world.isFinished {
            self.world.step()
            self.nextTickDue += self.tickNanos
            steps += 1
        }
        if self.nextTickDue <= now {
            // Too far behind to catch up: skip ahead rather than run a burst of stale ticks.
            let behind = (now - self.nextTickDue) / self.tickNanos + 1
            output.skippedTicks += behind
            self.nextTickDue += self.tickNanos * behind
        }
        if steps > 0 { self.afterSteps(now: now, output: &output) }
        if self.world.isFinished || !self.slots.contains(where: \.connected) {
            self.finish(reason: .matchEnded, now: now, output: &output)
        }
    }

    /// One tick's work, now, whatever the schedule says: the tick benchmark drives matches through this
    /// with its own clock.
    func tickOnce(now: UInt64, output: inout MatchOutput) {
        self.applyPendingInputs()
        self.world.step()
        self.afterSteps(now: now, output: &output)
    }

    /// Hands the world each player's newest input received since the last tick (see
    /// ``PlayerSlot/pendingInput``).
    private func applyPendingInputs() {
        for slot in self.slots {
            guard let input = slot.pendingInput else { continue }
            slot.pendingInput = nil
            self.world.setInput(input, for: slot.playerID)
        }
    }

    /// Times out silent players and, on snapshot ticks, sends every player a snapshot.
    private func afterSteps(now: UInt64, output: inout MatchOutput) {
        self.expireSilentPlayers(now: now, output: &output)
        if Int(self.world.tick) % self.settings.snapshotInterval == 0 || self.world.isFinished {
            self.sendSnapshots(now: now, output: &output)
        }
    }

    /// Starts loading every seat (see ``RealtimeShard/setRoute(_:for:)``): the shard calls it for each
    /// match due in a slice before it runs the first, as the seats are cold by then and a tick touches
    /// them all (time-outs, snapshots).
    func prefetchSeats() {
        for address in self.slotAddresses { prefetch(address, lines: self.slotLines) }
    }

    private func sendSnapshots(now: UInt64, output: inout MatchOutput) {
        let state = self.snapshotState()
        // Full snapshot size: a delta is never larger, so one reservation fits every player's packet.
        let capacity = RealtimePacket.minPacketSize + SnapshotCodec.headerSize + 2 + state.players.count * 8 + state.coins.count * 6
        self.history.insert(state)
        let history = self.history
        // Every player's packet is written (header, snapshot, tag) one after another into one buffer,
        // then goes out as a slice of it: one allocation per tick, not two per packet.
        var tick = ByteBufferAllocator().buffer(capacity: capacity * self.slots.count)
        self.written.removeAll(keepingCapacity: true)
        // The seats are in the caches (the shard prefetched them for this slice), but each seat's
        // sent-packet log and baseline log are arrays of their own, cold since the last tick: start
        // loading the lines every player's packet will write before writing the first.
        for slot in self.slots where slot.connected && !slot.awaitingReconnect {
            slot.connection.hotLines(sending: true) { prefetch($0, lines: 1) }
            slot.baselines.hotLines(sequence: slot.connection.nextSequence) { prefetch($0, lines: 1) }
        }
        // A held seat (its lobby connection dropped) gets nothing: its old address or connection may no
        // longer be the player's, and the player resumes from a full snapshot on a fresh session.
        for (index, slot) in self.slots.enumerated() where slot.connected && !slot.awaitingReconnect {
            let inputs = slot.inputs.newestSequence
            let start = tick.writerIndex
            slot.connection.startPacket(type: .snapshot, in: &tick)
            let sequence = slot.connection.nextSequence
            do {
                try slot.baselines.writePayload(for: state, history: history, lastProcessedInput: inputs, now: now, sequence: sequence, to: &tick)
                slot.connection.finishPacket(&tick, now: now)
            } catch {
                tick.moveWriterIndex(to: start)
                self.logger.error("snapshot could not be encoded", metadata: ["match": "\(self.matchID)", "error": "\(error)"])
                continue
            }
            slot.snapshotsSent += 1
            self.written.append(WrittenPacket(slot: index, start: start, length: tick.writerIndex - start))
        }
        tick.moveReaderIndex(to: 0)
        for packet in self.written {
            // A tcp client that has not spoken may not have its matchStarting yet, and the snapshot frame
            // could overtake it: counted as sent and lost, as a udp snapshot before the address is known.
            if self.transport == .tcp, !self.slots[packet.slot].heardThisSession { continue }
            self.deliver(tick.getSlice(at: packet.start, length: packet.length)!, to: packet.slot, output: &output)
        }
    }

    /// A packet the lobby connection refused (a reader too slow, or gone): a snapshot among them is
    /// counted as dropped, not sent, so the results of tcp matches do not count what never left.
    func tcpFrameDropped(_ packet: ByteBuffer, connection: ConnectionID) {
        guard
            case .success(let header) = PacketHeader.parse(packet), header.type == .snapshot,
            let slot = self.slots.first(where: { $0.tcp?.connectionID == connection })
        else { return }
        slot.snapshotsSent -= 1
        slot.snapshotsDropped += 1
    }

    private func deliver(_ packet: ByteBuffer, to index: Int, output: inout MatchOutput) {
        let slot = self.slots[index]
        switch self.transport {
        case .udp:
            // Until the client's first packet we don't know its address; the snapshot is counted as
            // sent and lost, as it would be on a real network.
            if let address = slot.address { output.send(packet, to: .udp(address)) }
        case .tcp:
            if let handle = slot.tcp { output.send(packet, to: .tcp(handle)) }
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
    func receive(_ packet: ByteBuffer, slot index: Int, from address: SocketAddress?, now: UInt64, output: inout MatchOutput) {
        self.receive(packet, slot: index, player: self.slots[index], from: address, now: now, output: &output)
    }

    /// ``receive(_:slot:from:now:output:)`` with the seat at `index` already at hand (`slots[index]`).
    func receive(_ packet: ByteBuffer, slot index: Int, player slot: PlayerSlot, from address: SocketAddress?, now: UInt64, output: inout MatchOutput) {
        guard slot.connected else { return }
        let (result, newest) = slot.connection.openNoting(packet, now: now)
        switch result {
        case .dropped(let reason):
            output.drops.record(reason)
        case .accepted(let type, let payload, let newlyAcked):
            // Follow the client to a new address (NAT rebinding) only on its newest authentic packet, so a
            // reordered or captured older one can't pull the stream elsewhere.
            slot.lastHeardAt = now
            slot.heardThisSession = true
            if let address, slot.address != address {
                self.challengePath(of: slot, at: address, newest: newest, packetSize: packet.readableBytes, now: now, output: &output)
            }
            slot.baselines.acknowledge(newlyAcked)
            switch type {
            case .input:
                do {
                    if let newest = try slot.inputs.receiveNewest(payload) {
                        let command = newest.command
                        slot.pendingInput = PlayerInput(moveX: command.moveX, moveY: command.moveY, buttons: command.buttons)
                    }
                } catch {
                    slot.connection.recordDrop(.malformedPayload)
                    output.drops.record(.malformedPayload)
                }
            case .disconnect:
                self.leave(index, reason: "sent disconnect")
            case .response:
                // The token back from the address it was sent to: that address is the client's now.
                if let address, let pending = slot.pendingPath, pending.address == address,
                   let answer = try? PathChallenge.decode(payload), answer.token == pending.token {
                    slot.address = address
                    slot.pendingPath = nil
                }
            case .keepalive, .snapshot, .challenge:
                break
            }
        }
    }

    /// An authentic packet from an address that is not the player's validated one. Only the newest
    /// packets count (a reordered or captured older one cannot start a move). The address gets a
    /// challenge, never a snapshot, and only in answer to a packet at least as large as the challenge,
    /// at most one per 20 ms: a spoofed source can be sent no more than was sent in its name.
    private func challengePath(of slot: PlayerSlot, at address: SocketAddress, newest: Bool, packetSize: Int, now: UInt64, output: inout MatchOutput) {
        guard newest else { return }
        if slot.pendingPath?.address != address {
            slot.pendingPath = (address, UInt64.random(in: 0...UInt64.max), nil)
        }
        guard var pending = slot.pendingPath, packetSize >= PathChallenge.packetSize else { return }
        if let last = pending.challengedAt, now < last + 20_000_000 { return }
        pending.challengedAt = now
        slot.pendingPath = pending
        let challenge = slot.connection.seal(type: .challenge, payload: PathChallenge(token: pending.token).encoded(), now: now)
        output.send(challenge, to: .udp(address))
    }

    /// The player left the room, lost the lobby connection or was kicked: the session is told why
    /// (it may still be listening) and the player leaves the world.
    func leave(accountID: UInt64, reason: DisconnectMessage.Reason, now: UInt64, output: inout MatchOutput) {
        guard let index = self.slots.firstIndex(where: { $0.account.id == accountID }), self.slots[index].connected else { return }
        let packet = self.slots[index].connection.seal(type: .disconnect, payload: DisconnectMessage(reason: reason).encoded(), now: now)
        self.deliver(packet, to: index, output: &output)
        self.leave(index, reason: "\(reason.name) (lobby)")
    }

    /// The player stops moving (its lobby connection dropped; it idles while its seat is held).
    func idle(_ playerID: UInt8) {
        for slot in self.slots where slot.playerID == playerID { slot.pendingInput = nil }
        self.world.setInput(PlayerInput(moveX: 0, moveY: 0), for: playerID)
    }

    private func leave(_ index: Int, reason: String) {
        guard self.slots[index].connected else { return }
        self.slots[index].connected = false
        self.world.removePlayer(self.slots[index].playerID)
        self.logger.info("player left the match", metadata: [
            "match": "\(self.matchID)", "player": "\(self.slots[index].account.name)", "reason": "\(reason)",
        ])
    }

    private func expireSilentPlayers(now: UInt64, output: inout MatchOutput) {
        let timeout = self.sessionTimeoutNanos
        for index in self.slots.indices where self.slots[index].connected && !self.slots[index].awaitingReconnect {
            let last = self.slots[index].lastHeardAt
            if now > last, now - last > timeout {
                // The player may still hear us (a one-way outage): say why the session ended.
                let packet = self.slots[index].connection.seal(type: .disconnect, payload: DisconnectMessage(reason: .timedOut).encoded(), now: now)
                self.deliver(packet, to: index, output: &output)
                self.leave(index, reason: "timed out")
            }
        }
    }

    /// Ends the match: tells connected players with a disconnect packet. The host sees ``finished``
    /// and hands the ``outcome()`` on.
    func finish(reason: DisconnectMessage.Reason, now: UInt64, output: inout MatchOutput) {
        guard !self.finished else { return }
        self.finished = true
        self.finishReason = reason
        for index in self.slots.indices where self.slots[index].connected {
            let packet = self.slots[index].connection.seal(type: .disconnect, payload: DisconnectMessage(reason: reason).encoded(), now: now)
            self.deliver(packet, to: index, output: &output)
        }
        self.logConnectionStatistics()
    }

    /// One line per player with the connection's statistics, as GameNetworkingSockets reports them.
    private func logConnectionStatistics() {
        let seconds = max(Double(self.world.tick) / Double(self.settings.tickRate), 0.001)
        for slot in self.slots {
            let stats = slot.connection.stats
            func ms(_ value: Double?) -> String { value.map { String(format: "%.1f", $0) } ?? "-" }
            func percent(_ value: Double?) -> String { value.map { String(format: "%.2f", $0 * 100) } ?? "-" }
            self.logger.info("connection statistics", metadata: [
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
