import Testing
@testable import GameSimulation

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

    @Test func unitFloatsStayInHalfOpenRange() {
        var random = SplitMix64(seed: 7)
        var sum: Float = 0
        for _ in 0..<10_000 {
            let value = random.nextUnitFloat()
            #expect(value >= 0 && value < 1)
            sum += value
        }
        // A uniform draw averages about 0.5; a broken bit mapping would not.
        #expect(abs(sum / 10_000 - 0.5) < 0.02)
    }

    @Test func floatRangeIsRespected() {
        var random = SplitMix64(seed: 9)
        for _ in 0..<1000 {
            let value = random.nextFloat(from: 3, to: 5)
            #expect(value >= 3 && value < 5)
        }
        #expect(random.nextFloat(from: 2, to: 2) == 2)
    }
}
