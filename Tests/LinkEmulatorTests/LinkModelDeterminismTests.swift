import LinkEmulator
import Testing

@Suite("Seeding")
struct LinkModelDeterminismTests {
    func decisions(_ profile: ImpairmentProfile, seed: UInt64) -> [LinkModel.Decision] {
        var model = LinkModel(profile: profile, seed: seed)
        return (0..<10_000).map { model.submit(size: 60 + $0 % 1_200, at: .microseconds(700 * $0)) }
    }

    @Test("the same seed gives the same decisions", arguments: LinkProfile.presets.map(\.downstream))
    func sameSeed(profile: ImpairmentProfile) {
        #expect(decisions(profile, seed: 42) == decisions(profile, seed: 42))
    }

    @Test("different seeds give different decisions", arguments: LinkProfile.presets.map(\.downstream).filter { !$0.isNone })
    func differentSeed(profile: ImpairmentProfile) {
        #expect(decisions(profile, seed: 42) != decisions(profile, seed: 43))
    }

    @Test("a perfect link delivers every packet at once")
    func perfectLink() {
        let all = decisions(.none, seed: 1)
        #expect(all.enumerated().allSatisfy { $0.element.deliveryTimes == [.microseconds(700 * $0.offset)] })
    }
}
