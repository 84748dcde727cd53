/// A small seeded generator (Steele, Lea and Flood's SplitMix64).
///
/// The link model needs randomness that is identical on every platform and every Swift release, so a
/// recorded seed replays the same network. The standard library's `random(in:using:)` does not promise a
/// stable mapping from generator output to values, so the model draws through ``unitInterval()`` and
/// ``uniform(upTo:)`` below, whose arithmetic is fixed here.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    /// A generator for one named purpose derived from a master seed, so that each impairment draws from a
    /// stream of its own and enabling one impairment does not shift the draws of another.
    init(seed: UInt64, stream: UInt64) {
        var mixer = SplitMix64(seed: seed ^ (stream &* 0xD1B5_4A32_D192_ED03))
        self.state = mixer.next()
    }

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `[0, 1)` with 53 random bits.
    mutating func unitInterval() -> Double {
        Double(self.next() >> 11) * 0x1.0p-53
    }

    /// `true` with probability `p`: never for 0, always for 1.
    mutating func chance(_ p: Double) -> Bool {
        self.unitInterval() < p
    }

    /// A value in `0...bound` (inclusive). The multiply-high mapping has a bias below `bound / 2^64`,
    /// far under anything a packet-level statistic can see.
    mutating func uniform(upTo bound: UInt64) -> UInt64 {
        if bound == .max { return self.next() }
        return self.next().multipliedFullWidth(by: bound + 1).high
    }
}
