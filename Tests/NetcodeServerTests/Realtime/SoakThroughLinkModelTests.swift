import LinkEmulator
import Logging
import NIOCore
import NetcodeProtocol
import Testing
@testable import NetcodeServer

/// A match and its clients pumped through the seeded link model in a loop with a manual clock, the way
/// netcode libraries soak-test: no sockets, no sleeps, the same result every run.
@Suite struct SoakThroughLinkModelTests {
    struct Client {
        var connection: RealtimeConnection
        var history = InputHistory()
        var snapshots = SnapshotReceiver()
        var up: LinkModel
        var down: LinkModel
        var toServer = DeliveryQueue<ByteBuffer>()
        var toClient = DeliveryQueue<ByteBuffer>()
        var snapshotsDecoded = 0
    }

    func play(link: LinkProfile, seconds: Double, seed: UInt64) throws -> (runner: MatchRunner, clients: [Client]) {
        var logger = Logger(label: "soak")
        logger.logLevel = .critical
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: 9)
        var slots: [PlayerSlot] = []
        var clients: [Client] = []
        for index in 0..<4 {
            let key = (0..<32).map { UInt8($0 * 3 + index) }
            let slot = PlayerSlot(account: LobbyAccount(id: UInt64(index + 1), name: "p\(index)"), playerID: UInt8(index + 1), sessionID: UInt32(100 + index), key: key, tcp: nil, now: 0)
            slot.address = address
            slots.append(slot)
            clients.append(Client(
                connection: RealtimeConnection(sessionID: UInt32(100 + index), keyBytes: key),
                up: LinkModel(profile: link.upstream, seed: seed &+ UInt64(index) &* 2),
                down: LinkModel(profile: link.downstream, seed: seed &+ UInt64(index) &* 2 &+ 1)
            ))
        }
        var output = MatchOutput()
        let settings = MatchSettings(durationSeconds: seconds, sessionTimeout: .seconds(30), seed: seed)
        let runner = try MatchRunner(matchID: 1, roomID: 1, roomName: "soak", transport: .udp, settings: settings, seed: seed, slots: slots, now: 0, logger: logger)

        let tick = Duration.nanoseconds(1_000_000_000 / 30)
        var now = Duration.seconds(1)
        func nanos(_ d: Duration) -> UInt64 { UInt64(d.components.seconds) * 1_000_000_000 + UInt64(d.components.attoseconds / 1_000_000_000) }
        // Run the match's ticks, then a few seconds more so the last packets land.
        let totalTicks = settings.gameConfig(seed: seed, maxPlayers: 4).durationTicks
        var ticksRun = 0
        while ticksRun < totalTicks + 30 * 3 {
            now += tick
            for index in clients.indices {
                // Client sends an input, through the upstream model.
                _ = clients[index].history.append(InputCommand(moveX: Int8(20 * index), moveY: -40), now: nanos(now))
                let packet = clients[index].connection.seal(type: .input, payload: clients[index].history.message()!.encoded(), now: nanos(now))
                for due in clients[index].up.submit(size: packet.readableBytes + 28, at: now).deliveryTimes { clients[index].toServer.push(packet, due: due) }
                for packet in clients[index].toServer.popDue(now: now) {
                    runner.receive(packet, slot: index, from: address, now: nanos(now), output: &output)
                }
            }
            if ticksRun < totalTicks { runner.tickOnce(now: nanos(now), output: &output) }
            ticksRun += 1
            for packet in output.packets.map(\.bytes) {
                let index = Int(PacketHeader.peekSessionID(packet)!) - 100
                for due in clients[index].down.submit(size: packet.readableBytes + 28, at: now).deliveryTimes { clients[index].toClient.push(packet, due: due) }
            }
            output.reset()
            for index in clients.indices {
                for packet in clients[index].toClient.popDue(now: now) {
                    if case .accepted(.snapshot, let payload, _) = clients[index].connection.open(packet, now: nanos(now)),
                       case .success = clients[index].snapshots.receive(payload) {
                        clients[index].snapshotsDecoded += 1
                    }
                }
            }
        }
        return (runner, clients)
    }

    @Test func aMatchCompletesAtTheSoakProfile() throws {
        let (runner, clients) = try self.play(link: .soak, seconds: 10, seed: 42)
        #expect(runner.world.isFinished)
        let outcome = runner.outcome()
        #expect(outcome.record.players.count == 4)
        #expect(outcome.record.players.allSatisfy { $0.connectedAtEnd }, "1 s of latency and 25% loss is not a disconnect")
        for (client, player) in zip(clients, outcome.record.players.sorted { $0.playerIndex < $1.playerIndex }) {
            // 25% loss each way: inputs still arrive thanks to redundancy; most snapshots decode.
            #expect(player.inputsReceived > 250, "inputs received \(player.inputsReceived) of 300")
            #expect(client.snapshotsDecoded > 150, "snapshots decoded \(client.snapshotsDecoded) of 300")
            #expect(player.lossUp > 0.15 && player.lossUp < 0.35, "measured upstream loss \(player.lossUp)")
            let newest = try #require(client.snapshots.newest)
            #expect(newest.state.tick >= 290, "the client saw the end of the match")
        }
    }

    @Test func theSameSeedPlaysTheSameMatch() throws {
        let first = try self.play(link: .lossy, seconds: 3, seed: 7)
        let second = try self.play(link: .lossy, seconds: 3, seed: 7)
        #expect(first.runner.world == second.runner.world)
        #expect(first.clients.map(\.snapshotsDecoded) == second.clients.map(\.snapshotsDecoded))
        let other = try self.play(link: .lossy, seconds: 3, seed: 8)
        #expect(other.clients.map(\.snapshotsDecoded) != first.clients.map(\.snapshotsDecoded) || other.runner.world != first.runner.world)
    }
}
