import Logging
import NIOCore
import NIOEmbedded
import NetcodeProtocol
import Testing
@testable import NetcodeServer

/// A seat held for a player whose lobby connection dropped gets no snapshots while it waits (its old
/// address or connection may belong to someone else by now); the player who comes back gets a fresh
/// session whose first snapshot is full. In a tcp match nothing goes to a session before its client
/// has spoken: the snapshot frames must not overtake the lobby's `matchStarting` on the connection.
@Suite struct HeldSeatTests {
    @Test func aHeldSeatGetsNoSnapshotsUntilThePlayerIsBack() throws {
        var logger = Logger(label: "held-seat")
        logger.logLevel = .critical
        var channels: [EmbeddedChannel] = []
        // Finished at the end, so the channels and what they hold are released (LeakSanitizer).
        defer { for channel in channels { _ = try? channel.finish(acceptAlreadyClosed: true) } }
        var slots: [PlayerSlot] = []
        for index in 0..<2 {
            let channel = EmbeddedChannel()
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).wait()
            channels.append(channel)
            let handle = LobbyConnectionHandle(id: ConnectionID(index + 1), channel: channel, address: "127.0.0.1")
            slots.append(PlayerSlot(
                account: LobbyAccount(id: UInt64(index + 1), name: "p\(index)"), playerID: UInt8(index + 1),
                sessionID: UInt32(10 + index), key: (0..<32).map { UInt8($0 + index) },
                tcp: LobbyConnectionHandleReference(handle: handle), now: 0, lobbyConnection: ConnectionID(index + 1)
            ))
        }
        let settings = MatchSettings(tickRate: 30, durationSeconds: 10, sessionTimeout: .seconds(60), seed: 4)
        let runner = try MatchRunner(matchID: 1, roomID: 1, roomName: "held", transport: .tcp, settings: settings, seed: 4, slots: slots, now: 0, logger: logger)
        var output = MatchOutput()
        var tick: UInt64 = 0
        /// Runs `ticks` ticks; returns how many packets went to each player's connection.
        func run(_ ticks: Int) -> [Int] {
            var sent = [0, 0]
            for _ in 0..<ticks {
                tick += 1
                runner.tickOnce(now: tick * 33_333_333, output: &output)
                for packet in output.packets {
                    guard case .tcp(let handle) = packet.destination else { continue }
                    sent[min(Int(handle.connectionID), 2) - 1] += 1
                }
                output.reset()
            }
            return sent
        }
        /// The player's client sends one authentic packet of `session` over its connection.
        func speak(_ index: Int, session: UInt32, key: [UInt8]) {
            var client = RealtimeConnection(sessionID: session, keyBytes: key)
            let packet = client.seal(type: .keepalive, payload: ByteBuffer(), now: tick * 33_333_333)
            runner.receive(packet, slot: index, from: nil, now: tick * 33_333_333, output: &output)
            output.reset()
        }
        let silent = run(5)
        #expect(silent == [0, 0], "nothing goes to a tcp player before its client speaks (it may not have matchStarting yet): \(silent)")
        speak(0, session: 10, key: (0..<32).map { UInt8($0) })
        let oneSpoke = run(5)
        #expect(oneSpoke[0] >= 3 && oneSpoke[1] == 0, "only the player who spoke gets snapshots: \(oneSpoke)")
        speak(1, session: 11, key: (0..<32).map { UInt8($0 + 1) })
        let before = run(10)
        #expect(before[0] >= 5 && before[1] >= 5, "both players get snapshots: \(before)")

        #expect(!runner.detach(accountID: 2, connection: 7), "a detach names the connection that dropped")
        #expect(runner.detach(accountID: 2, connection: 2))
        let held = run(10)
        #expect(held[0] >= 5, "the other player still gets snapshots: \(held)")
        #expect(held[1] == 0, "the held seat got \(held[1]) packets")
        let snapshotsWhileHeld = slots[1].snapshotsSent

        let channel = EmbeddedChannel()
        channels.append(channel)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).wait()
        let handle = LobbyConnectionHandle(id: ConnectionID(3), channel: channel, address: "127.0.0.1")
        let back = runner.reattach(accountID: 2, sessionID: 99, key: (0..<32).map { UInt8(255 - $0) }, tcp: LobbyConnectionHandleReference(handle: handle), connection: 3, udpPort: 0, now: tick * 33_333_333)
        #expect(back != nil)
        // The old connection's detach arrives late (it travels as its own task): the player is back on
        // connection 3, so it changes nothing.
        #expect(!runner.detach(accountID: 2, connection: 2))
        let unheard = run(5)
        #expect(unheard[1] == 0, "the fresh session gets nothing before its client speaks: \(unheard)")
        speak(1, session: 99, key: (0..<32).map { UInt8(255 - $0) })
        let after = run(10)
        #expect(after[1] >= 5, "the returning player gets snapshots again: \(after)")
        #expect(slots[1].snapshotsSent > snapshotsWhileHeld)
        #expect(slots[1].baselines.fullSnapshotsSent >= 1, "the fresh session starts from a full snapshot")
    }
}
