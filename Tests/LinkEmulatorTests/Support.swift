import LinkEmulator

/// Helpers shared by the statistical tests.
enum Stats {
    /// Whether `count` successes in `trials` is within `sigmas` standard deviations of a binomial with
    /// probability `p`.
    static func isBinomial(_ count: Int, trials: Int, p: Double, sigmas: Double = 5) -> Bool {
        let mean = Double(trials) * p
        let sd = (Double(trials) * p * (1 - p)).squareRoot()
        return abs(Double(count) - mean) <= sigmas * sd
    }

    static func mean(_ values: [Double]) -> Double {
        values.reduce(0, +) / Double(values.count)
    }
}

/// A packet's send time and its fate, for tests that look at the whole run.
struct Sent {
    let index: Int
    let at: Duration
    let decision: LinkModel.Decision
}

extension LinkModel {
    /// Offers `count` packets of `size` bytes, one every `interval`, starting at zero.
    mutating func run(count: Int, size: Int = 100, every interval: Duration) -> [Sent] {
        (0..<count).map { index in
            let at = interval * index
            return Sent(index: index, at: at, decision: self.submit(size: size, at: at))
        }
    }
}

extension Duration {
    var milliseconds: Double {
        Double(self.components.seconds) * 1000 + Double(self.components.attoseconds) / 1e15
    }
}
