import Testing
@testable import Comparison

@Suite struct SpreadTests {
    @Test func medianOfOddAndEvenCountsIgnoringMissingValues() {
        let odd = Spread([3, nil, 1, 2])
        #expect(odd == Spread(min: 1, median: 2, max: 3))
        let even = Spread([4, 1, 2, 3])
        #expect(even == Spread(min: 1, median: 2.5, max: 4))
        #expect(Spread([nil, nil]) == Spread(min: nil, median: nil, max: nil))
    }
}
