import NIOCore
import Testing

@testable import NetcodeProtocol

@Suite("Decoders against random bytes")
struct RealtimeFuzzTests {
    @Test("20k random datagrams into open never trap and are never accepted")
    func randomDatagrams() {
        var generator = RealtimeFixtures.Random(seed: 0xF022)
        var (client, server) = RealtimeFixtures.connectionPair()
        let template = RealtimeFixtures.bytes(client.seal(type: .input, payload: InputMessage(newestSequence: 4, inputs: [InputCommand()]).encoded(), now: 0))
        var accepted = 0
        for round in 0..<20_000 {
            var bytes: [UInt8]
            switch round % 4 {
            case 0:
                bytes = (0..<Int.random(in: 0...1300, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            case 1:
                // A plausible header (right version, type, session) over random rest.
                bytes = (0..<Int.random(in: 0...1210, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
                let header: [UInt8] = [0x20 | UInt8.random(in: 1...4, using: &generator), 0x01, 0x02, 0x03, 0x04]
                for index in 0..<min(header.count, bytes.count) { bytes[index] = header[index] }
            default:
                // A real packet with a few random bytes changed, dropped or appended.
                bytes = template
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    bytes[Int.random(in: bytes.indices, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
                if generator.chance(0.2) { bytes.removeLast(Int.random(in: 0...bytes.count, using: &generator)) }
                if generator.chance(0.2) { bytes.append(UInt8.random(in: 0...255, using: &generator)) }
                if bytes == template { continue }
            }
            if server.open(RealtimeFixtures.buffer(bytes), now: UInt64(round)).isAccepted { accepted += 1 }
        }
        #expect(accepted == 0)
        #expect(server.stats.drops.total > 19_800)
        #expect(server.stats.drops[.badTag] > 8_000)
        #expect(server.stats.drops[.badVersion] > 2_000)
    }

    @Test("20k random payloads into the input and snapshot decoders never trap")
    func randomPayloads() {
        var generator = RealtimeFixtures.Random(seed: 0xF023)
        let baseline = SnapshotState(tick: 10, players: (0..<4).map { PlayerSnapshot(id: $0, x: 1, y: 2, score: 3, flags: 1) }, coins: [CoinSnapshot(id: 1, x: 0, y: 0)])
        var decodedSnapshots = 0
        var decodedInputs = 0
        for _ in 0..<20_000 {
            var bytes = (0..<Int.random(in: 0...64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if bytes.count > 9, generator.chance(0.5) {
                // Aim deltas at the baseline we have (tick 12, offset 2, any sections), with small counts,
                // to reach deep into the body.
                bytes[0...1] = [0, 12]
                bytes[8] = 2 | UInt8.random(in: 0...3, using: &generator) << 6
                bytes[9] = UInt8.random(in: 0...3, using: &generator)
            }
            if (try? SnapshotCodec.decode(RealtimeFixtures.buffer(bytes)) { $0 == 10 ? baseline : nil }) != nil { decodedSnapshots += 1 }
            if (try? InputMessage.decode(RealtimeFixtures.buffer(bytes))) != nil { decodedInputs += 1 }
        }
        // Most random bytes are rejected; the counts only show both paths ran.
        #expect(decodedSnapshots < 10_000)
        #expect(decodedInputs < 200)
    }
}
