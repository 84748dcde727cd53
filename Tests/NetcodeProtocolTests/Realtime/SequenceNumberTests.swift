import Testing

@testable import NetcodeProtocol

@Suite("Sequence numbers across the 16-bit wrap")
struct SequenceNumberTests {
    @Test("isNewer is a half-circle comparison")
    func isNewer() {
        #expect(SequenceNumber.isNewer(1, than: 0))
        #expect(!SequenceNumber.isNewer(0, than: 1))
        #expect(SequenceNumber.isNewer(0, than: 65535))
        #expect(!SequenceNumber.isNewer(65535, than: 0))
        #expect(SequenceNumber.isNewer(10, than: 65530))
        #expect(!SequenceNumber.isNewer(5, than: 5))
        #expect(SequenceNumber.isNewer(32767, than: 0))
        #expect(!SequenceNumber.isNewer(32768, than: 0))
        var generator = RealtimeFixtures.Random(seed: 1)
        for _ in 0..<10_000 {
            let a = UInt16.random(in: 0...UInt16.max, using: &generator)
            let b = UInt16.random(in: 0...UInt16.max, using: &generator)
            if a != b, a &- b != 0x8000 {
                #expect(SequenceNumber.isNewer(a, than: b) != SequenceNumber.isNewer(b, than: a))
            }
        }
    }

    @Test("extended sequences are rebuilt across the wrap")
    func extendAcrossWrap() {
        #expect(SequenceNumber.extend(0, relativeTo: nil) == 0)
        #expect(SequenceNumber.extend(5, relativeTo: nil) == 5)
        #expect(SequenceNumber.extend(0, relativeTo: 65535) == 65536)
        #expect(SequenceNumber.extend(65535, relativeTo: 65536) == 65535)
        #expect(SequenceNumber.extend(3, relativeTo: 65530) == 65539)
        #expect(SequenceNumber.extend(65530, relativeTo: 65539) == 65530)
        #expect(SequenceNumber.extend(0, relativeTo: 3 * 65536 + 40000) == 4 * 65536)
        // Half a lap behind the expected sequence (highest + 1) reads as the next lap.
        #expect(SequenceNumber.extend(7232, relativeTo: 39999) == 72768)
        #expect(SequenceNumber.extend(7233, relativeTo: 39999) == 7233)
    }

    @Test("every sequence within half a lap of the highest is reconstructed exactly")
    func extendRandom() {
        var generator = RealtimeFixtures.Random(seed: 2)
        for _ in 0..<20_000 {
            let highest = UInt64.random(in: 0...(1 << 40), using: &generator)
            let offset = Int64.random(in: -32766...32768, using: &generator)
            let actual = Int64(highest) + offset
            guard actual >= 0 else { continue }
            let wire = UInt16(truncatingIfNeeded: actual)
            #expect(SequenceNumber.extend(wire, relativeTo: highest) == UInt64(actual))
        }
    }

    @Test("a peer's ack maps to the newest of our sequences with those low bits")
    func latest() {
        #expect(SequenceNumber.latest(5, notAfter: 10) == 5)
        #expect(SequenceNumber.latest(10, notAfter: 10) == 10)
        #expect(SequenceNumber.latest(11, notAfter: 10) == nil)
        #expect(SequenceNumber.latest(0xFFFF, notAfter: 10) == nil)
        #expect(SequenceNumber.latest(0xFFFF, notAfter: 65540) == 65535)
        #expect(SequenceNumber.latest(2, notAfter: 65540) == 65538)
    }
}
