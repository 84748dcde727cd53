import Testing
@testable import GameSimulation

/// The game's float draws from the shared generator.
@Suite struct SplitMix64FloatTests {
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
