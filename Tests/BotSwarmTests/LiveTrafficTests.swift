import NIOCore
import NIOPosix
import NetcodeProtocol
import Testing
@testable import NetcodeClient

/// The loops' live figures: what a window gathers reaches the live line, the steady window and the whole
/// run alike, and a session's skipped or merged server ticks add up, window by window, to its own.
@Suite struct LiveTrafficTests {
    @Test("stalls and skipped ticks merge into the live window, the steady window and the whole run")
    func windowsMergeEveryCount() {
        let live = LiveTraffic()
        var window = LiveTraffic.Window()
        window.frames = 1
        window.stalls = 2
        window.serverTicksMissed = 3
        live.merge(window)
        live.setSteady(true)
        window.serverTicksMissed = -1
        live.merge(window)
        #expect(live.take().stalls == 4)
        #expect(live.steady.window.stalls == 2)
        #expect(live.steady.window.serverTicksMissed == -1)
        #expect(live.wholeRun.stalls == 4)
        #expect(live.wholeRun.serverTicksMissed == 2)
        var counted = LiveTraffic.Window()
        counted.stalls = 1
        #expect(!counted.isEmpty, "a window holding only a stall is still merged")
    }

    /// Discards every packet: the session under test only receives.
    private final class NoTransport: RealtimeClientTransport {
        func send(from session: RealtimeClientCore, _ write: (inout ByteBuffer) -> Void) -> Int { 0 }
    }

    @Test("a session's ticks skipped or merged, per window, add up to its whole-run figure")
    func skippedTicksPerWindowAddUp() async throws {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let key = [UInt8](repeating: 7, count: 32)
        let start = MatchStart(matchID: 1, sessionID: 42, sessionKey: key, udpPort: 1, transport: .udp, playerID: 1,
                               tickRate: 30, snapshotInterval: 1, durationTicks: 900, arenaWidth: 64, arenaHeight: 64)
        let live = LiveTraffic()
        // Ticks 1, 2, 4, 7, 8 in consecutive packets: the server merged 3 into 4 and 5 and 6 into 7. Then
        // tick 9 is lost and 10 arrives: a lost packet is no skipped tick.
        let ticks: [UInt32] = [1, 2, 4, 7, 8]
        let (experience, window) = try await loop.submit { () -> (PlayerExperience, LiveTraffic.Window) in
            let core = RealtimeClientCore(start: start, options: RealtimeClientOptions(frameRate: 30, sessionDistributions: false), eventLoop: loop, live: live)
            core.transport = NoTransport()
            core.run()
            var server = RealtimeConnection(sessionID: 42, keyBytes: key)
            let now = RealtimeClientCore.now()
            func snapshot(_ tick: UInt32) throws -> ByteBuffer {
                let state = SnapshotState(tick: tick, players: [PlayerSnapshot(id: 1, x: UInt16(tick), y: 0, score: 0, connected: true)], coins: [])
                let payload = try SnapshotCodec.encode(SnapshotMessage(state: state, sendTime: now, lastProcessedInput: 0), baseline: nil)
                return server.seal(type: .snapshot, payload: payload, now: now)
            }
            for tick in ticks { core.receive(try snapshot(tick)) }
            _ = try snapshot(9)  // sealed and lost
            core.receive(try snapshot(10))
            core.end(.stopped)
            return (core.experience, live.wholeRun)
        }.get()
        #expect(experience.snapshotTicksExpected - experience.snapshotsExpected == 3)
        #expect(window.serverTicksMissed == 3, "1 + 2 merged ticks, and none for the lost packet")
    }
}
