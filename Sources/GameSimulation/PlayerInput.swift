/// One player's controls for one tick, as a client sends them.
///
/// The axes are signed joystick values; the rules read them through `axisX`/`axisY`, which map them to
/// `-1 ... 1`. A stick pushed diagonally is limited to length 1, so diagonal movement is not faster.
public struct PlayerInput: Sendable, Hashable {
    /// Horizontal axis, `-127 ... 127` (positive is +x). `-128` is read as `-127` so both directions
    /// reach the same magnitude.
    public var moveX: Int8
    /// Vertical axis, `-127 ... 127` (positive is +y). `-128` is read as `-127`.
    public var moveY: Int8
    /// Button bits. Bit 0 is boost; this version of the rules carries the bits but does not act on them.
    public var buttons: UInt8

    public init(moveX: Int8, moveY: Int8, buttons: UInt8 = 0) {
        self.moveX = moveX
        self.moveY = moveY
        self.buttons = buttons
    }

    /// No movement, no buttons: what a player does before sending anything.
    public static let idle = PlayerInput(moveX: 0, moveY: 0, buttons: 0)

    /// Bit 0 of `buttons`.
    public static let boostButton: UInt8 = 1 << 0

    /// The horizontal axis as a value in `-1 ... 1`.
    public var axisX: Float { Self.axis(moveX) }

    /// The vertical axis as a value in `-1 ... 1`.
    public var axisY: Float { Self.axis(moveY) }

    static func axis(_ raw: Int8) -> Float {
        Float(raw == Int8.min ? -127 : raw) / 127
    }
}
