import NIOCore
import Testing

@testable import NetcodeProtocol

@Suite("Snapshot codec")
struct SnapshotCodecTests {
    private let sample = SnapshotState(
        tick: 0x0000_0100,
        players: [
            PlayerSnapshot(id: 2, x: 0x1000, y: 0x2000, score: 7, connected: true),
            PlayerSnapshot(id: 1, x: 0xFFFF, y: 0, score: 0, connected: false),
        ],
        coins: [CoinSnapshot(id: 0x0102, x: 0x0304, y: 0x0506)]
    )

    @Test("a full snapshot has the documented bytes and round-trips")
    func full() throws {
        let message = SnapshotMessage(state: sample, sendTimeMicrosLow: 0xAABB_CCDD, lastProcessedInput: 9)
        let payload = try SnapshotCodec.encode(message, baseline: nil)
        #expect(RealtimeFixtures.bytes(payload) == [
            0x01, 0x00, 0xAA, 0xBB, 0xCC, 0xDD, 0x00, 0x09, 0x00,
            0x02,
            0x01, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x02, 0x10, 0x00, 0x20, 0x00, 0x00, 0x07, 0x01,
            0x01, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
        ])
        let decoded = try SnapshotCodec.decode(payload) { _ in nil }
        #expect(decoded == message)
        #expect(decoded.baselineTick == nil)
        #expect(SnapshotCodec.peekTicks(payload, newestTick: nil)?.tick == 0x100)
        #expect(SnapshotCodec.peekTicks(payload, newestTick: 0x1_00FF)?.tick == 0x1_0100)
    }

    @Test("a delta uses the small, 12-bit and absolute position forms, id gaps, and only the sections it needs")
    func deltaForms() throws {
        var players = sample.players
        players[0].x = players[0].x &+ 1  // id 1: x 0xFFFF wraps to 0 with dx = +1
        players[0].y = 5  // small
        players[1].x = 0x1000 + 2047  // id 2: 12-bit
        players[1].y = 0x2000 - 2048
        players[1].score = 8
        let next = SnapshotState(tick: 0x102, players: players + [PlayerSnapshot(id: 9, x: 1, y: 2, score: 3, flags: 1)], coins: [])
        let message = SnapshotMessage(state: next, sendTimeMicrosLow: 1, lastProcessedInput: 2)
        let payload = try SnapshotCodec.encode(message, baseline: sample)
        #expect(RealtimeFixtures.bytes(payload) == [
            0x01, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x02, 0x82,
            0x03,
            0x11, 0x01, 0x05,
            0x06, 0x7F, 0xF8, 0x00, 0x00, 0x08,
            0x6F, 0x00, 0x01, 0x00, 0x02, 0x00, 0x03, 0x01,
            0x00,
            0x01, 0x01, 0x02,
        ])
        let decoded = try SnapshotCodec.decode(payload) { $0 == sample.tick ? sample : nil }
        #expect(decoded.state == next)
        #expect(decoded.baselineTick == 0x100)

        // Absolute when the move does not fit 12 bits.
        var far = sample.players
        far[1].x = 0x1000 + 2048
        let farState = SnapshotState(tick: 0x101, players: far, coins: sample.coins)
        let farPayload = try SnapshotCodec.encode(SnapshotMessage(state: farState, sendTimeMicrosLow: 0, lastProcessedInput: 0), baseline: sample)
        #expect(RealtimeFixtures.bytes(farPayload).dropFirst(8) == [0x01, 0x01, 0x23, 0x18, 0x00, 0x20, 0x00])
        #expect(try SnapshotCodec.decode(farPayload) { _ in sample }.state == farState)

        // Ids 15 or more past the previous one travel explicitly; a player leaving sets bit 6.
        let spread = SnapshotState(tick: 0x101, players: [PlayerSnapshot(id: 40, x: 9, y: 9, score: 0, flags: 1)], coins: sample.coins)
        let spreadPayload = try SnapshotCodec.encode(SnapshotMessage(state: spread, sendTimeMicrosLow: 0, lastProcessedInput: 0), baseline: sample)
        #expect(RealtimeFixtures.bytes(spreadPayload).dropFirst(8) == [
            0x41, 0x01, 0xFF, 40, 0x00, 0x09, 0x00, 0x09, 0x00, 0x00, 0x01, 0x02, 0x01, 0x02,
        ])
        #expect(try SnapshotCodec.decode(spreadPayload) { _ in sample }.state == spread)
    }

    @Test("the tick and the processed input are restored from their low 16 bits across the wrap")
    func restoredCounters() {
        #expect(SnapshotCodec.restoreTick(0x0002, near: 0x1_FFFE) == 0x2_0002)
        #expect(SnapshotCodec.restoreTick(0xFFFE, near: 0x2_0001) == 0x1_FFFE, "a reordered snapshot from before the wrap")
        #expect(SnapshotCodec.restoreTick(0x1234, near: nil) == 0x1234)
        #expect(SnapshotCodec.restoreTick(0xFFFF, near: 3) == 0xFFFF, "never below zero")
        #expect(SnapshotCodec.restoreInput(0xFFFF, newestSent: 0x1_0003) == 0xFFFF)
        #expect(SnapshotCodec.restoreInput(0x0003, newestSent: 0x1_0003) == 0x1_0003)
        #expect(SnapshotCodec.restoreInput(0x0004, newestSent: 0x1_0003) == 0x4, "never after the newest sent")
        #expect(SnapshotCodec.restoreInput(0x0009, newestSent: nil) == 9)
    }

    @Test("delta decode rebuilds the full state for random streams and random baselines")
    func randomStreams() throws {
        for seed in UInt64(1)...5 {
            var stream = SnapshotStreamGenerator(seed: seed)
            var newestTick: UInt32?
            var history: [UInt32: SnapshotState] = [stream.current.tick: stream.current]
            var deltas = 0
            for _ in 0..<400 {
                let state = stream.next()
                let candidates = history.keys.filter { state.tick - $0 <= 60 }
                let baseline = stream.random.chance(0.1) ? nil : candidates.randomElement(using: &stream.random).flatMap { history[$0] }
                // Inputs far past 16 bits, restored from the newest the client had sent.
                let processed = 0x3_0000 + state.tick * 40
                let message = SnapshotMessage(state: state, sendTimeMicrosLow: state.tick &* 33_333, lastProcessedInput: processed)
                let payload = try SnapshotCodec.encode(message, baseline: baseline)
                let sent = processed + UInt32.random(in: 0...5000, using: &stream.random)
                let decoded = try SnapshotCodec.decode(payload, newestTick: newestTick, newestInputSent: sent) { history[$0] }
                newestTick = max(newestTick ?? 0, state.tick)
                #expect(decoded.state == state)
                #expect(decoded.baselineTick == baseline?.tick)
                #expect(decoded.lastProcessedInput == message.lastProcessedInput)
                if baseline != nil { deltas += 1 }
                history[state.tick] = state
            }
            #expect(deltas > 300)
        }
    }

    @Test("a delta whose baseline is gone is undecodable and counted")
    func missingBaseline() throws {
        var receiver = SnapshotReceiver(capacity: 8)
        let first = try SnapshotCodec.encode(SnapshotMessage(state: sample, sendTimeMicrosLow: 0, lastProcessedInput: 0), baseline: nil)
        #expect(try receiver.receive(first).get().state == sample)
        let later = SnapshotState(tick: sample.tick + 20, players: sample.players, coins: [])
        let orphan = try SnapshotCodec.encode(SnapshotMessage(state: later, sendTimeMicrosLow: 0, lastProcessedInput: 0), baseline: SnapshotState(tick: sample.tick + 10, players: [], coins: []))
        #expect(throws: RealtimeDecodingError.missingBaseline(tick: sample.tick + 10)) { try receiver.receive(orphan).get() }
        #expect(receiver.stats.missingBaseline == 1)
        let delta = try SnapshotCodec.encode(SnapshotMessage(state: later, sendTimeMicrosLow: 0, lastProcessedInput: 0), baseline: sample)
        #expect(try receiver.receive(delta).get().state == later)
        #expect(receiver.stats.decodedDelta == 1)
        #expect(receiver.stats.decodedFull == 1)
        #expect(receiver.newest?.state == later)
        // The reordered older snapshot still decodes, counts as stale, and leaves `newest` alone.
        #expect(try receiver.receive(first).get().state == sample)
        #expect(receiver.stats.stale == 1)
        #expect(receiver.newest?.state == later)
    }

    @Test("malformed snapshots are rejected")
    func malformed() throws {
        let full = RealtimeFixtures.bytes(try SnapshotCodec.encode(SnapshotMessage(state: sample, sendTimeMicrosLow: 0, lastProcessedInput: 0), baseline: nil))
        func header(_ base: UInt8) -> [UInt8] { [0x01, 0x02, 0, 0, 0, 0, 0, 0, base] }
        var fullWithSections = full
        fullWithSections[8] = 0x40
        let cases: [[UInt8]] = [
            Array(full.prefix(8)),
            Array(full.dropLast()),
            full + [0],
            fullWithSections,  // section bits in a full snapshot
            Array(full.prefix(9)) + [2, 2, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0],  // ids not increasing
            header(0x02) + [1, 0x73, 0, 0, 0, 0],  // new player 7 without every field
            header(0x02) + [1, 0xF4, 5, 0, 1],  // explicit id 5 where a gap would do
            header(0x02) + [2, 0xFF, 250, 0, 0, 0, 0, 0, 0, 1, 0xE4, 0, 1],  // new player 250, then an id past 255
            header(0x02) + [1, 0x14],  // player 1's score truncated
            header(0x42) + [0, 1, 9],  // removing a player not in the baseline
            header(0x42) + [1, 0x14, 0, 1, 1, 1],  // player 1 both changed and removed
            header(0x42) + [0, 0],  // an announced removed-player list that is empty
            header(0x82) + [0, 1, 0x00, 0x09],  // removing a coin not in the baseline
            header(0x82) + [0, 0],  // announced coin lists that are both empty
            header(0x82) + [0],  // removed coin count missing
            header(0x02) + [0, 0],  // a section the base byte did not announce
        ]
        for bytes in cases {
            #expect(throws: RealtimeDecodingError.self) {
                try SnapshotCodec.decode(RealtimeFixtures.buffer(bytes)) { $0 == sample.tick ? sample : nil }
            }
        }
    }

    @Test("the encoder refuses what the format cannot carry")
    func encoderLimits() {
        let duplicate = SnapshotState(tick: 1, players: [PlayerSnapshot(id: 1, x: 0, y: 0, score: 0, flags: 0), PlayerSnapshot(id: 1, x: 1, y: 0, score: 0, flags: 0)], coins: [])
        #expect(throws: SnapshotEncodingError.duplicateIDs) {
            try SnapshotCodec.encode(SnapshotMessage(state: duplicate, sendTimeMicrosLow: 0, lastProcessedInput: 0), baseline: nil)
        }
        let crowd = SnapshotState(tick: 1, players: (0..<200).map { PlayerSnapshot(id: UInt8($0), x: 0, y: 0, score: 0, flags: 0) }, coins: [])
        #expect(throws: SnapshotEncodingError.payloadTooLarge(9 + 1 + 1600 + 1)) {
            try SnapshotCodec.encode(SnapshotMessage(state: crowd, sendTimeMicrosLow: 0, lastProcessedInput: 0), baseline: nil)
        }
    }

    @Test("the send time is restored from its low 32 bits with the receiver's clock, across the wrap")
    func sendTime() {
        let second: UInt64 = 1_000_000_000
        let sent: UInt64 = 5 * 3600 * second + 123_456_000  // 5 h: past the 71.6 min wrap of 32-bit microseconds
        let message = SnapshotMessage(state: sample, sendTime: sent, lastProcessedInput: 0)
        #expect(message.sendTime(receivedAt: sent + 40_000_000) == sent)
        #expect(message.age(at: sent + 40_000_000) == 40_000_000)
        #expect(message.sendTime(receivedAt: sent + 3000 * second) == sent)
        // A receiver clock read a little before the sender's still works (slack of one second).
        #expect(message.sendTime(receivedAt: sent - 1000) == sent)
        #expect(message.age(at: sent - 1000) == 0)
        let wrapEdge = (UInt64(1) << 32) * 1000 - 2_000  // two microseconds before the low bits wrap
        let edge = SnapshotMessage(state: sample, sendTime: wrapEdge, lastProcessedInput: 0)
        #expect(edge.sendTime(receivedAt: wrapEdge + 10_000_000) == wrapEdge)
    }
}
