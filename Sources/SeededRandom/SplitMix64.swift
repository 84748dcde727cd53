/// The project's one seeded generator: Steele, Lea and Flood's SplitMix64.
///
/// Everything reproducible draws from it: the game (spawn points, coin places), the link model (loss,
/// delay, reordering), the lab's seeds and payloads, and the bots' behaviours, so one recorded seed
/// replays the same match over the same network. The output sequence is fixed by the published
/// algorithm, and the mappings to numbers below are written out here, so neither depends on the platform
/// or the standard library version (`SystemRandomNumberGenerator` and `random(in:using:)` promise
/// neither).
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    /// The internal state; advancing it by a fixed odd constant is what makes every seed usable.
    public private(set) var state: UInt64

    /// A generator whose sequence is fully determined by `seed`. Any value, including 0, is fine.
    public init(seed: UInt64) {
        self.state = seed
    }

    /// A generator for one named purpose derived from a master seed, so that each use draws from a stream
    /// of its own and adding one use does not shift the draws of another.
    public init(seed: UInt64, stream: UInt64) {
        var mixer = SplitMix64(seed: seed ^ (stream &* 0xD1B5_4A32_D192_ED03))
        self.state = mixer.next()
    }

    public mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `[0, 1)` with 53 random bits.
    public mutating func unitInterval() -> Double {
        Double(self.next() >> 11) * 0x1.0p-53
    }

    /// `true` with probability `p`: never for 0, always for 1.
    public mutating func chance(_ p: Double) -> Bool {
        self.unitInterval() < p
    }

    /// A value in `0...bound` (inclusive). The multiply-high mapping has a bias below `bound / 2^64`,
    /// far under anything a packet-level statistic can see.
    public mutating func uniform(upTo bound: UInt64) -> UInt64 {
        if bound == .max { return self.next() }
        return self.next().multipliedFullWidth(by: bound + 1).high
    }
}
