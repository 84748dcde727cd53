/// A coin lying in the arena, worth `value` points to the first player who touches it.
///
/// A picked coin is replaced by a new one with a new `id` at a new place, so a client can tell a
/// respawn from a coin that moved (coins never move).
public struct Coin: Sendable, Hashable {
    /// Unique among the coins present at one time; ids are handed out in order and wrap around.
    public var id: UInt16
    /// Position in meters.
    public var x: Float
    /// Position in meters.
    public var y: Float
    public var value: UInt16

    public init(id: UInt16, x: Float, y: Float, value: UInt16) {
        self.id = id
        self.x = x
        self.y = y
        self.value = value
    }
}
