import LinkEmulator
import Testing

@Suite("Gilbert-Elliott burst loss")
struct GilbertElliottTests {
    static let packets = 100_000

    @Test("mean burst length is 1/pBadToGood and long-run loss is p/(p+r)", arguments: [
        GilbertElliott(pGoodToBad: 0.01, pBadToGood: 0.25),
        GilbertElliott(pGoodToBad: 0.05, pBadToGood: 0.5),
        GilbertElliott(pGoodToBad: 0.002, pBadToGood: 0.1),
    ])
    func burstStatistics(burst: GilbertElliott) {
        var model = LinkModel(profile: ImpairmentProfile(burst: burst), seed: 11)
        let lost = model.run(count: Self.packets, every: .milliseconds(1)).map(\.decision.isDropped)

        var runs: [Int] = []
        var current = 0
        for isLost in lost {
            if isLost {
                current += 1
            } else if current > 0 {
                runs.append(current)
                current = 0
            }
        }
        if current > 0 { runs.append(current) }

        let p = burst.pGoodToBad
        let r = burst.pBadToGood
        // Burst lengths are geometric with mean 1/r and standard deviation sqrt(1-r)/r.
        let meanRun = Stats.mean(runs.map(Double.init))
        let runSD = (1 - r).squareRoot() / r / Double(runs.count).squareRoot()
        #expect(abs(meanRun - 1 / r) <= 5 * runSD, "mean burst \(meanRun), expected \(1 / r)")
        #expect(abs(burst.meanBurstLength - 1 / r) < 1e-12)

        // Loss indicators are correlated from packet to packet (lag-one correlation 1-p-r), which widens
        // the spread of their mean by (1+λ)/(1-λ).
        let pi = p / (p + r)
        let lambda = 1 - p - r
        let lossSD = (pi * (1 - pi) / Double(Self.packets) * (1 + lambda) / (1 - lambda)).squareRoot()
        let measured = Double(lost.filter { $0 }.count) / Double(Self.packets)
        #expect(abs(measured - pi) <= 5 * lossSD, "loss \(measured), expected \(pi)")
        #expect(abs(burst.stationaryLoss - pi) < 1e-12)
        #expect(model.counters.droppedBurst == lost.filter { $0 }.count)
        #expect(model.counters.droppedRandom == 0)
    }

    @Test("loss inside and outside bursts follows lossInBad and lossInGood")
    func partialLoss() {
        let burst = GilbertElliott(pGoodToBad: 0.02, pBadToGood: 0.2, lossInBad: 0.5, lossInGood: 0.01)
        var model = LinkModel(profile: ImpairmentProfile(burst: burst), seed: 12)
        let lost = model.run(count: Self.packets, every: .milliseconds(1)).filter(\.decision.isDropped).count
        let expected = burst.stationaryLoss
        // Generous bound: correlated draws, so use the burst-widened spread of the bad-state share.
        let lambda = 1 - burst.pGoodToBad - burst.pBadToGood
        let sd = (expected * (1 - expected) / Double(Self.packets) * (1 + lambda) / (1 - lambda)).squareRoot()
        #expect(abs(Double(lost) / Double(Self.packets) - expected) <= 5 * sd)
        #expect(lost > 0)
    }
}
