import Histogram
import Logging
import NIOCore
import NetcodeProtocol

/// Measures the server's per-tick work on the real code path, without sockets: each match steps its
/// world, builds a snapshot, delta-encodes and seals it for every player, and authenticates and applies
/// one input packet from every player. The clients' side (opening snapshots, sealing inputs) is played
/// here too but not timed.
public struct TickBenchmark: Sendable {
    public struct Result: Sendable {
        public var matches: Int
        public var playersPerMatch: Int
        public var ticks: Int
        /// Cost of one tick of all matches together (what one realtime loop spends per tick), in µs.
        public var tickCostMicros: Histogram<UInt64>
        /// Cost of one match's tick (its players' inputs, the step, their snapshots), in µs: what the
        /// server's tick figure measures, since every match ticks on its own schedule.
        public var matchTickCostMicros: Histogram<UInt64>
        /// Snapshot bytes per player per second at the tick rate, with 28 bytes of IPv4+UDP headers per
        /// datagram.
        public var snapshotBitsPerSecondPerPlayer: Double
        public var inputBitsPerSecondPerPlayer: Double
        public var tickRate: Int
    }

    public var matches: Int
    public var playersPerMatch: Int
    public var ticks: Int
    public var settings: MatchSettings

    public init(matches: Int, playersPerMatch: Int, ticks: Int, settings: MatchSettings = MatchSettings(durationSeconds: 3600, seed: 1)) {
        self.matches = matches
        self.playersPerMatch = playersPerMatch
        self.ticks = ticks
        self.settings = settings
    }

    struct SimulatedClient {
        var connection: RealtimeConnection
        var history = InputHistory()
        var heading: InputCommand
        let slot: Int
    }

    public func run() throws -> Result {
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: 9)
        var runners: [MatchRunner] = []
        var clients: [[SimulatedClient]] = []
        // What the matches ask to send; the untimed client side reads it from here, per session.
        var output = MatchOutput()
        var outbox: [UInt32: [ByteBuffer]] = [:]
        var snapshotBytes = 0
        var snapshotDatagrams = 0
        var sessionID: UInt32 = 1
        for match in 0..<self.matches {
            var slots: [PlayerSlot] = []
            var matchClients: [SimulatedClient] = []
            for player in 0..<self.playersPerMatch {
                let key = (0..<32).map { UInt8(truncatingIfNeeded: $0 &+ Int(sessionID)) }
                let slot = PlayerSlot(account: LobbyAccount(id: UInt64(sessionID), name: "p\(sessionID)"), playerID: UInt8(player + 1), sessionID: sessionID, key: key, tcp: nil, now: 0)
                slot.address = address
                slots.append(slot)
                let heading = InputCommand(moveX: Int8(truncatingIfNeeded: (player * 37) % 255 - 127), moveY: Int8(truncatingIfNeeded: (player * 91) % 255 - 127))
                matchClients.append(SimulatedClient(connection: RealtimeConnection(sessionID: sessionID, keyBytes: key), heading: heading, slot: player))
                sessionID += 1
            }
            let runner = try MatchRunner(matchID: UInt64(match + 1), roomID: UInt32(match + 1), roomName: "bench", transport: .udp, settings: self.settings, seed: UInt64(match), slots: slots, now: 0, logger: logger)
            runners.append(runner)
            clients.append(matchClients)
        }

        var cost = Histogram<UInt64>(highestTrackableValue: 10_000_000, numberOfSignificantValueDigits: .three)
        var matchCost = Histogram<UInt64>(highestTrackableValue: 10_000_000, numberOfSignificantValueDigits: .three)
        func micros(_ duration: Duration) -> UInt64 {
            UInt64(duration.components.seconds) * 1_000_000 + UInt64(duration.components.attoseconds / 1_000_000_000_000)
        }
        let tickNanos = UInt64(1_000_000_000 / self.settings.tickRate)
        var now: UInt64 = 1_000_000_000
        var inputBytes = 0
        let clock = ContinuousClock()
        for _ in 0..<self.ticks {
            now += tickNanos
            // The clients' side (untimed): read what arrived, send one input each.
            var inbound: [(Int, Int, ByteBuffer)] = []
            for (m, matchClients) in clients.enumerated() {
                for (c, var client) in matchClients.enumerated() {
                    for packet in outbox.removeValue(forKey: client.connection.sessionID) ?? [] {
                        _ = client.connection.open(packet, now: now)
                    }
                    _ = client.history.append(client.heading, now: now)
                    let packet = client.connection.seal(type: .input, payload: client.history.message()!.encoded(), now: now)
                    inputBytes += packet.readableBytes
                    inbound.append((m, client.slot, packet))
                    clients[m][c] = client
                }
            }
            // The server's side (timed): inputs in, one tick of every match, snapshots out.
            let start = clock.now
            var next = 0
            for (m, runner) in runners.enumerated() {
                let matchStart = clock.now
                while next < inbound.count, inbound[next].0 == m {
                    runner.receive(inbound[next].2, slot: inbound[next].1, from: address, now: now, output: &output)
                    next += 1
                }
                runner.tickOnce(now: now, output: &output)
                _ = matchCost.record(micros(clock.now - matchStart))
            }
            _ = cost.record(micros(clock.now - start))
            for packet in output.packets {
                snapshotBytes += packet.bytes.readableBytes
                snapshotDatagrams += 1
                if let session = PacketHeader.peekSessionID(packet.bytes) { outbox[session, default: []].append(packet.bytes) }
            }
            output.reset()
        }
        let players = Double(self.matches * self.playersPerMatch)
        let seconds = Double(self.ticks) / Double(self.settings.tickRate)
        let snapshotTotal = Double(snapshotBytes) + Double(snapshotDatagrams) * Double(RealtimePacket.ipv4UDPOverhead)
        let inputTotal = Double(inputBytes) + Double(self.ticks) * players * Double(RealtimePacket.ipv4UDPOverhead)
        return Result(
            matches: self.matches,
            playersPerMatch: self.playersPerMatch,
            ticks: self.ticks,
            tickCostMicros: cost,
            matchTickCostMicros: matchCost,
            snapshotBitsPerSecondPerPlayer: snapshotTotal * 8 / players / seconds,
            inputBitsPerSecondPerPlayer: inputTotal * 8 / players / seconds,
            tickRate: self.settings.tickRate
        )
    }
}
