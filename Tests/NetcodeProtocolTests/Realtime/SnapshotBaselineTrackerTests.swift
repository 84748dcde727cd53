import NIOCore
import Testing

@testable import NetcodeProtocol

@Suite("Snapshot baselines")
struct SnapshotBaselineTrackerTests {
    private func state(_ tick: UInt32) -> SnapshotState {
        SnapshotState(tick: tick, players: [PlayerSnapshot(id: 1, x: UInt16(truncatingIfNeeded: tick &* 10), y: 0, score: 0, flags: 1)], coins: [])
    }

    @Test("the newest acked snapshot becomes the baseline; too old or unacked means full")
    func baselineRules() throws {
        var tracker = SnapshotBaselineTracker(maxBaselineAge: 10)
        var history = SnapshotRing(capacity: tracker.historyCapacity)
        #expect(tracker.baseline(forTick: 1, in: history) == nil)
        for tick in UInt32(1)...5 {
            // Packet sequence 100 + tick carried tick `tick`.
            history.insert(state(tick))
            tracker.recordSent(tick: tick, sequence: 100 + UInt64(tick))
        }
        tracker.acknowledge([102, 104])
        #expect(tracker.acknowledgedTick == 4)
        #expect(tracker.baseline(forTick: 6, in: history) == state(4))
        // An older ack does not move the baseline back; an unknown sequence is ignored.
        tracker.acknowledge([101, 999])
        #expect(tracker.acknowledgedTick == 4)
        #expect(tracker.baseline(forTick: 14, in: history) == state(4))
        #expect(tracker.baseline(forTick: 15, in: history) == nil)
        #expect(tracker.baseline(forTick: 4, in: history) == nil)
    }

    @Test("makePayload sends full until an ack arrives, then deltas, then full again after a silence")
    func fallback() throws {
        var tracker = SnapshotBaselineTracker(maxBaselineAge: 30)
        var history = SnapshotRing(capacity: tracker.historyCapacity)
        var receiver = SnapshotReceiver()
        var sequence: UInt64 = 0
        for tick in UInt32(1)...100 {
            let payload = try tracker.makePayload(for: state(tick), history: &history, lastProcessedInput: tick, now: UInt64(tick) * 33_000_000, sequence: sequence)
            let decoded = try receiver.receive(payload).get()
            #expect(decoded.state == state(tick))
            #expect(decoded.lastProcessedInput == tick)
            // The client acks each packet two ticks later, except during ticks 40...79. The last ack before
            // the silence names tick 37, usable up to tick 67; acks resume at tick 80.
            if tick >= 3, !(40...79).contains(tick) { tracker.acknowledge([sequence - 2]) }
            if tick <= 3 || (68...80).contains(tick) {
                #expect(decoded.baselineTick == nil, "tick \(tick) should be full")
            } else {
                #expect(decoded.baselineTick != nil, "tick \(tick) should be a delta")
            }
            sequence += 1
        }
        #expect(tracker.fullSnapshotsSent == 16)
        #expect(tracker.deltaSnapshotsSent == 84)
    }
}
