import Testing
import SeededRandom

@Suite struct SplitMix64Tests {
    @Test func matchesPublishedReferenceSequence() {
        // Reference outputs for seed 1234567 (Rosetta Code, "Pseudo-random numbers/Splitmix64").
        var random = SplitMix64(seed: 1_234_567)
        let expected: [UInt64] = [
            6_457_827_717_110_365_317,
            3_203_168_211_198_807_973,
            9_817_491_932_198_370_423,
            4_593_380_528_125_082_431,
            16_408_922_859_458_223_821,
        ]
        for value in expected {
            #expect(random.next() == value)
        }
    }

    @Test func sameSeedSameSequenceDifferentSeedDifferentSequence() {
        var a = SplitMix64(seed: 42)
        var b = SplitMix64(seed: 42)
        var c = SplitMix64(seed: 43)
        var differs = false
        for _ in 0..<100 {
            let value = a.next()
            #expect(value == b.next())
            if value != c.next() { differs = true }
        }
        #expect(differs)
    }

    @Test func streamsOfOneSeedDifferAndRepeat() {
        var first = SplitMix64(seed: 5, stream: 1)
        var again = SplitMix64(seed: 5, stream: 1)
        var other = SplitMix64(seed: 5, stream: 2)
        let a = (0..<8).map { _ in first.next() }
        #expect(a == (0..<8).map { _ in again.next() })
        #expect(a != (0..<8).map { _ in other.next() })
    }

    @Test func mappedDrawsStayInRange() {
        var random = SplitMix64(seed: 11)
        for _ in 0..<10_000 {
            let unit = random.unitInterval()
            #expect(unit >= 0 && unit < 1)
            #expect(random.uniform(upTo: 6) <= 6)
        }
        #expect(!random.chance(0) && random.chance(1))
    }
}
