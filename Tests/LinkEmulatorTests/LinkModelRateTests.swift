import LinkEmulator
import Testing

@Suite("Random loss, duplication and reordering rates")
struct LinkModelRateTests {
    static let packets = 100_000

    @Test("random loss matches the configured fraction")
    func randomLoss() {
        var model = LinkModel(profile: ImpairmentProfile(loss: 0.1), seed: 1)
        let sent = model.run(count: Self.packets, every: .milliseconds(1))
        let lost = sent.filter { $0.decision.dropReason == .randomLoss }.count
        #expect(Stats.isBinomial(lost, trials: Self.packets, p: 0.1))
        #expect(model.counters.droppedRandom == lost)
        #expect(model.counters.submitted == Self.packets)
        #expect(sent.allSatisfy { $0.decision.dropReason == nil || $0.decision.dropReason == .randomLoss })
    }

    @Test("duplicates and reorders match their fractions among surviving packets")
    func duplicateAndReorder() {
        let profile = ImpairmentProfile(
            loss: 0.25,
            latency: .milliseconds(20),
            reorder: 0.04,
            reorderDelay: .milliseconds(30),
            duplicate: 0.25
        )
        var model = LinkModel(profile: profile, seed: 2)
        let sent = model.run(count: Self.packets, every: .milliseconds(1))
        let survivors = sent.filter { !$0.decision.isDropped }
        let duplicated = survivors.filter(\.decision.isDuplicated).count
        let reordered = survivors.filter(\.decision.isReordered).count

        #expect(Stats.isBinomial(Self.packets - survivors.count, trials: Self.packets, p: 0.25))
        #expect(Stats.isBinomial(duplicated, trials: survivors.count, p: 0.25))
        #expect(Stats.isBinomial(reordered, trials: survivors.count, p: 0.04))

        let counters = model.counters
        #expect(counters.duplicated == duplicated)
        #expect(counters.reordered == reordered)
        #expect(counters.delivered == sent.map(\.decision.deliveryTimes.count).reduce(0, +))
        #expect(counters.delivered == counters.submitted - counters.dropped + counters.duplicated)
        #expect(counters.bytesDelivered == counters.delivered * 100)
        #expect(counters.bytesSubmitted == Self.packets * 100)
    }

    @Test("the rates hold for the soak and lossy presets")
    func presetRates() {
        for (preset, seed) in [(LinkProfile.soak, UInt64(3)), (LinkProfile.lossy, UInt64(4))] {
            let profile = preset.downstream
            var model = LinkModel(profile: profile, seed: seed)
            let sent = model.run(count: Self.packets, every: .milliseconds(5))
            let survivors = sent.filter { !$0.decision.isDropped }
            #expect(Stats.isBinomial(Self.packets - survivors.count, trials: Self.packets, p: profile.loss), "\(preset.name)")
            #expect(Stats.isBinomial(survivors.filter(\.decision.isDuplicated).count, trials: survivors.count, p: profile.duplicate), "\(preset.name)")
            #expect(Stats.isBinomial(survivors.filter(\.decision.isReordered).count, trials: survivors.count, p: profile.reorder), "\(preset.name)")
        }
    }

    @Test("turning on another impairment does not change which packets random loss hits")
    func independentStreams() {
        var lossOnly = LinkModel(profile: ImpairmentProfile(loss: 0.2), seed: 5)
        var everything = LinkModel(
            profile: ImpairmentProfile(loss: 0.2, latency: .milliseconds(30), jitter: .milliseconds(10), reorder: 0.1, reorderDelay: .milliseconds(5), duplicate: 0.3),
            seed: 5
        )
        let a = lossOnly.run(count: 10_000, every: .milliseconds(1)).map(\.decision.isDropped)
        let b = everything.run(count: 10_000, every: .milliseconds(1)).map(\.decision.isDropped)
        #expect(a == b)
        #expect(a.contains(true) && a.contains(false))
    }

    @Test("probabilities 0 and 1 are exact")
    func extremes() {
        var never = LinkModel(profile: ImpairmentProfile(loss: 0, duplicate: 0), seed: 6)
        var always = LinkModel(profile: ImpairmentProfile(reorder: 1, reorderDelay: .milliseconds(1), duplicate: 1), seed: 6)
        let none = never.run(count: 1_000, every: .milliseconds(1))
        let all = always.run(count: 1_000, every: .milliseconds(1))
        #expect(none.allSatisfy { $0.decision.deliveryTimes.count == 1 && !$0.decision.isReordered })
        #expect(all.allSatisfy { $0.decision.deliveryTimes.count == 2 && $0.decision.isReordered })
        var lossy = LinkModel(profile: ImpairmentProfile(loss: 1), seed: 6)
        let lost = lossy.run(count: 1_000, every: .milliseconds(1))
        #expect(lost.allSatisfy { $0.decision.isDropped })
    }
}
