import SeededRandom

/// Two-state Markov loss (Gilbert-Elliott), the bursty loss of netem's `loss gemodel p r 1-h 1-k`.
///
/// Each packet first suffers the loss probability of the state the channel is in, then the channel may
/// change state. Time spent in the bad state is geometric, so a burst lasts `1 / pBadToGood` packets on
/// average, and the channel is bad for a fraction `pGoodToBad / (pGoodToBad + pBadToGood)` of packets.
public struct GilbertElliott: Sendable, Hashable, Codable {
    /// Probability, per packet, of moving from the good state to the bad one (netem `p`).
    public var pGoodToBad: Double
    /// Probability, per packet, of moving from the bad state back to the good one (netem `r`).
    public var pBadToGood: Double
    /// Probability that a packet is lost while the channel is bad (netem `1-h`).
    public var lossInBad: Double
    /// Probability that a packet is lost while the channel is good (netem `1-k`).
    public var lossInGood: Double

    /// - Parameters:
    ///   - pGoodToBad: chance per packet of entering a burst.
    ///   - pBadToGood: chance per packet of leaving a burst; the mean burst is `1 / pBadToGood` packets.
    ///   - lossInBad: loss probability inside a burst; 1 loses every packet of the burst.
    ///   - lossInGood: loss probability outside bursts, on top of ``ImpairmentProfile/loss``.
    public init(pGoodToBad: Double, pBadToGood: Double, lossInBad: Double = 1, lossInGood: Double = 0) {
        self.pGoodToBad = pGoodToBad
        self.pBadToGood = pBadToGood
        self.lossInBad = lossInBad
        self.lossInGood = lossInGood
    }

    /// Fraction of packets this channel loses in the long run.
    public var stationaryLoss: Double {
        let total = self.pGoodToBad + self.pBadToGood
        guard total > 0 else { return self.lossInGood }
        let bad = self.pGoodToBad / total
        return bad * self.lossInBad + (1 - bad) * self.lossInGood
    }

    /// Mean number of consecutive packets spent in the bad state.
    public var meanBurstLength: Double {
        1 / self.pBadToGood
    }
}

/// The running state of a ``GilbertElliott`` channel.
struct GilbertElliottChannel: Sendable {
    let parameters: GilbertElliott
    private(set) var isBad = false

    init(_ parameters: GilbertElliott) {
        self.parameters = parameters
    }

    /// Decides the fate of one packet and advances the chain. Always draws twice, so the stream stays
    /// aligned with the packet count whatever the outcome.
    mutating func nextIsLost(using random: inout SplitMix64) -> Bool {
        let lossDraw = random.unitInterval()
        let moveDraw = random.unitInterval()
        let lost: Bool
        if self.isBad {
            lost = lossDraw < self.parameters.lossInBad
            if moveDraw < self.parameters.pBadToGood { self.isBad = false }
        } else {
            lost = lossDraw < self.parameters.lossInGood
            if moveDraw < self.parameters.pGoodToBad { self.isBad = true }
        }
        return lost
    }
}
