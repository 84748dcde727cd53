@_exported import SeededRandom

/// The game's draws as `Float`s, from the project's seeded generator (re-exported: the game's users
/// seed it too).
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
