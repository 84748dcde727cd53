import Logging
import NIOCore
import NIOEmbedded
import NetcodeProtocol
import Testing
@testable import NetcodeServer

/// In a tcp match, a snapshot the lobby connection refuses (its reader stopped reading, so the channel is
/// not writable, or it is gone) is counted as dropped by the shard and not as sent in the player's result,
/// so tcp results are not inflated by frames that never left. The real match and the shard's own send
/// path, with channels whose writability the test sets (loopback's kernel buffers are megabytes, more
/// than a short match can fill).
@Suite struct TCPBackpressureTests {
    @Test func aSnapshotRefusedUnderBackpressureIsDroppedNotSent() throws {
        var logger = Logger(label: "tcp-backpressure")
        logger.logLevel = .critical
        let reading = EmbeddedChannel()
        let stopped = EmbeddedChannel()
        let gone = EmbeddedChannel()
        for channel in [reading, stopped, gone] {
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).wait()
        }
        stopped.isWritable = false
        _ = try gone.close().wait()
        let channels: [EmbeddedChannel] = [reading, stopped, gone]
        // Finished at the end, so the channels and what they hold are released (LeakSanitizer).
        defer { for channel in channels { _ = try? channel.finish(acceptAlreadyClosed: true) } }
        var slots: [PlayerSlot] = []
        for index in 0..<3 {
            let handle = LobbyConnectionHandle(id: ConnectionID(index + 1), channel: channels[index], address: "127.0.0.1")
            let key: [UInt8] = (0..<32).map { UInt8($0 + index) }
            let account = LobbyAccount(id: UInt64(index + 1), name: "p\(index)")
            slots.append(PlayerSlot(
                account: account, playerID: UInt8(index + 1), sessionID: UInt32(10 + index), key: key,
                tcp: LobbyConnectionHandleReference(handle: handle), now: 0
            ))
        }
        let settings = MatchSettings(tickRate: 30, durationSeconds: 1, sessionTimeout: .seconds(60), seed: 4)
        let runner = try MatchRunner(matchID: 1, roomID: 1, roomName: "tcp", transport: .tcp, settings: settings, seed: 4, slots: slots, now: 0, logger: logger)
        // Every client has spoken (a tcp match sends no snapshot to a session before; HeldSeatTests).
        for slot in slots { slot.heardThisSession = true }
        var counters = RealtimeCounters()
        var output = MatchOutput()
        for tick in 1...30 {
            runner.tickOnce(now: UInt64(tick) * 33_333_333, output: &output)
            for packet in output.packets {
                guard case .tcp(let handle) = packet.destination else { Issue.record("a tcp match sent a datagram"); continue }
                counters.send(packet.bytes, over: handle, for: runner)
            }
            output.reset()
        }
        let offered = slots[0].snapshotsSent
        #expect(offered >= 20, "the reading player got a snapshot most ticks: \(offered)")
        #expect(slots[1].snapshotsSent == 0, "nothing reached the player who stopped reading")
        #expect(slots[2].snapshotsSent == 0, "nothing reached the player who is gone")
        #expect(slots[1].snapshotsDropped == offered && slots[2].snapshotsDropped == offered)
        #expect(counters.framesDroppedSlowReader == UInt64(2 * offered))
        #expect(counters.framesSent == UInt64(offered))
        var frames = 0
        while let _ = try reading.readOutbound(as: ByteBuffer.self) { frames += 1 }
        #expect(frames == offered, "every frame counted as sent was written")
        #expect(try stopped.readOutbound(as: ByteBuffer.self) == nil)
    }
}
