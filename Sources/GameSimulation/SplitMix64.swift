/// A small, fast, seeded random number generator (Steele, Lea and Flood's SplitMix64).
///
/// The game draws every random number (spawn points, coin places) from generators of this type, so a
/// match is reproduced exactly by its seed. The output sequence is fixed by the published algorithm and
/// does not depend on the platform or the standard library version, unlike `SystemRandomNumberGenerator`
/// or the standard library's `random(in:using:)` helpers.
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    /// The internal state; advancing it by a fixed odd constant is what makes every seed usable.
    public private(set) var state: UInt64

    /// Creates a generator whose sequence is fully determined by `seed`. Any value, including 0, is fine.
    public init(seed: UInt64) {
        self.state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension SplitMix64 {
    /// A uniform `Float` in `0 ..< 1` built from the top 24 bits of one draw.
    ///
    /// Written out by hand rather than with `Float.random(in:using:)` so the mapping from bits to
    /// numbers is part of this module and cannot change under a new standard library.
    mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// A uniform `Float` in `lower ..< upper` (or exactly `lower` when the range is empty).
    mutating func nextFloat(from lower: Float, to upper: Float) -> Float {
        guard upper > lower else { return lower }
        return lower + (upper - lower) * nextUnitFloat()
    }
}
