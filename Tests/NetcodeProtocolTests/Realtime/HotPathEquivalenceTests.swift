import Crypto
import NIOCore
import Testing

@testable import NetcodeProtocol

/// The allocation-free paths the server uses per packet must mean exactly what the plain ones mean.
@Suite("Hot path: allocation-free forms agree with the plain ones")
struct HotPathEquivalenceTests {
    @Test("an acked set iterates ascending, counts, and compares by its elements")
    func ackedSequences() {
        var set = AckedSequences()
        #expect(set.isEmpty)
        for sequence: UInt64 in [100, 68, 99, 97, 131, 70] { set.insert(sequence) }
        #expect(Array(set) == [68, 70, 97, 99, 100, 131])
        #expect(set.count == 6)
        #expect(set == [131, 100, 99, 97, 70, 68])
        #expect(set != [131, 100])
        let empty: AckedSequences = []
        #expect(Array(empty).isEmpty)
        set.insert(99)
        #expect(set.count == 6, "inserting an element twice keeps one")
    }

    @Test("an input history writes in place the bytes its message encodes to")
    func inputHistoryWritesItsMessage() {
        var generator = RealtimeFixtures.Random(seed: 23)
        for redundancy in [1, 3, 5, 16] {
            var history = InputHistory(redundancy: redundancy)
            var empty = ByteBuffer()
            #expect(!history.writeMessage(into: &empty), "nothing to send before the first input")
            #expect(empty.readableBytes == 0)
            for _ in 0..<40 {
                let command = InputCommand(moveX: Int8.random(in: -127...127, using: &generator), moveY: Int8.random(in: -127...127, using: &generator), buttons: UInt8.random(in: 0...255, using: &generator))
                _ = history.append(command, now: 0)
                var written = ByteBuffer(bytes: [0xAA, 0xBB])
                #expect(history.writeMessage(into: &written))
                #expect(written.readBytes(length: 2) == [0xAA, 0xBB], "written after what the buffer held")
                #expect(written == history.message()?.encoded())
            }
        }
    }

    @Test("receiveNewest delivers the newest fresh input with the same counters as receive")
    func newestInputMatchesFullReceive() throws {
        var generator = RealtimeFixtures.Random(seed: 17)
        var plain = InputReceiver()
        var fast = InputReceiver()
        var newest: UInt32 = 0
        for _ in 0..<5_000 {
            // Moving forward, standing still (duplicates) and going back (late packets), with gaps.
            let step = Int64.random(in: -6...8, using: &generator)
            newest = UInt32(clamping: max(Int64(newest) + step, 0))
            let count = Int.random(in: 0...min(16, Int(newest) + 1), using: &generator)
            let inputs = (0..<count).map { _ in
                InputCommand(moveX: Int8.random(in: -127...127, using: &generator), moveY: Int8.random(in: -127...127, using: &generator), buttons: UInt8.random(in: 0...255, using: &generator))
            }
            let message = InputMessage(newestSequence: newest, inputs: inputs)
            let expected = plain.receive(message).last
            let got = try fast.receiveNewest(message.encoded())
            #expect(got == expected)
            #expect(fast.stats == plain.stats)
            #expect(fast.newestSequence == plain.newestSequence)
        }
        #expect(plain.stats.inputsLost > 0 && plain.stats.redundantCopies > 0, "the walk exercised gaps and copies")
    }

    @Test("receiveNewest refuses what decode refuses and changes nothing")
    func newestInputRefusesMalformed() {
        var receiver = InputReceiver()
        let bad: [[UInt8]] = [
            [0, 0, 0],  // short header
            [0, 0, 0, 5, 17] + Array(repeating: 0, count: 51),  // more than 16 inputs
            [0, 0, 0, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0],  // 3 inputs ending at 1 would start below 0
            [0, 0, 0, 9, 2, 1, 2, 3],  // 2 inputs need 6 bytes
        ]
        for bytes in bad {
            #expect(throws: RealtimeDecodingError.self) { try InputMessage.decode(RealtimeFixtures.buffer(bytes)) }
            #expect(throws: RealtimeDecodingError.self) { try receiver.receiveNewest(RealtimeFixtures.buffer(bytes)) }
        }
        #expect(receiver.newestSequence == 0)
        #expect(receiver.stats == InputReceiver.Stats())
    }

    @Test("sealing in place gives the same datagram as sealing a separate payload")
    func sealInPlace() throws {
        var plain = RealtimeConnection(sessionID: 7, keyBytes: Array(0..<32))
        var inPlace = RealtimeConnection(sessionID: 7, keyBytes: Array(0..<32))
        var split = RealtimeConnection(sessionID: 7, keyBytes: Array(0..<32))
        for round in 0..<50 {
            let payload = ByteBuffer(bytes: (0..<(round * 7 % 300)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ round) })
            let a = plain.seal(type: .snapshot, payload: payload, now: UInt64(round))
            let b = inPlace.seal(type: .snapshot, now: UInt64(round), payloadCapacity: 8) { $0.writeImmutableBuffer(payload) }
            var c = split.startPacket(type: .snapshot, payloadCapacity: payload.readableBytes)
            c.writeImmutableBuffer(payload)
            split.finishPacket(&c, now: UInt64(round))
            #expect(a == b)
            #expect(a == c)
        }
        #expect(plain.nextSequence == 50 && inPlace.nextSequence == 50 && split.nextSequence == 50)
    }

    @Test("a payload writer that throws uses no sequence")
    func failedSealChangesNothing() {
        struct Refused: Error {}
        var connection = RealtimeConnection(sessionID: 7, keyBytes: Array(0..<32))
        #expect(throws: Refused.self) {
            _ = try connection.seal(type: .snapshot, now: 1, payloadCapacity: 8) { (_: inout ByteBuffer) throws(Refused) in throw Refused() }
        }
        #expect(connection.nextSequence == 0)
        #expect(connection.stats.packetsSent == 0)
    }

    @Test("encoding into a buffer appends exactly what encode returns, and nothing on a refusal")
    func encodeInto() throws {
        let players = (1...10).map { PlayerSnapshot(id: UInt8($0), x: UInt16($0 * 300), y: 700, score: UInt16($0), connected: true) }
        let baseline = SnapshotState(tick: 10, players: players, coins: [CoinSnapshot(id: 1, x: 5, y: 6), CoinSnapshot(id: 3, x: 7, y: 8)])
        let moved = players.enumerated().map { index, player in
            PlayerSnapshot(id: player.id, x: player.x &+ UInt16(index * 40), y: player.y &- UInt16(index * 900), score: player.score + (index == 3 ? 1 : 0), flags: player.flags)
        }
        let state = SnapshotState(tick: 12, players: Array(moved.dropFirst()), coins: [CoinSnapshot(id: 3, x: 7, y: 8), CoinSnapshot(id: 4, x: 9, y: 9)])
        let message = SnapshotMessage(state: state, sendTime: 123_456_789, lastProcessedInput: 44)
        for base in [nil, baseline] {
            let alone = try SnapshotCodec.encode(message, baseline: base)
            var buffer = ByteBuffer(bytes: [0xAA, 0xBB])
            try SnapshotCodec.encode(message, baseline: base, into: &buffer)
            #expect(buffer.getSlice(at: 2, length: buffer.readableBytes - 2) == alone)
            let decoded = try SnapshotCodec.decode(alone) { $0 == baseline.tick ? baseline : nil }
            #expect(decoded.state == state)
        }
        let duplicate = SnapshotState(tick: 13, players: [players[0], players[0]], coins: [])
        var buffer = ByteBuffer(bytes: [1, 2, 3])
        #expect(throws: SnapshotEncodingError.duplicateIDs) {
            try SnapshotCodec.encode(SnapshotMessage(state: duplicate, sendTime: 0, lastProcessedInput: 0), baseline: nil, into: &buffer)
        }
        #expect(buffer == ByteBuffer(bytes: [1, 2, 3]))
    }

    @Test("the pre-keyed tag is HMAC-SHA256 over the extended sequence, header and payload")
    func tagIsHMAC() {
        var generator = RealtimeFixtures.Random(seed: 23)
        for keyLength in [0, 1, 32, 64, 65, 100] {
            let key = (0..<keyLength).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let authenticator = PacketAuthenticator(keyBytes: key)
            for length in [0, 1, 31, 47, 48, 55, 56, 57, 63, 64, 65, 111, 112, 119, 120, 200, 1184] {
                let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                let sequence = UInt64.random(in: 0...UInt64.max, using: &generator)
                var message = withUnsafeBytes(of: sequence.bigEndian) { Array($0) }
                message += bytes
                let expected = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key))
                // Both block functions: the processor's SHA extensions (when it has them) and portable C.
                for portable in [false, true] {
                    let tag = authenticator.tag(extendedSequence: sequence, authenticated: ByteBuffer(bytes: bytes).readableBytesView, portable: portable)
                    #expect(tag == Array(expected), "key \(keyLength) bytes, message \(length) bytes, portable \(portable)")
                }
            }
        }
    }
}
