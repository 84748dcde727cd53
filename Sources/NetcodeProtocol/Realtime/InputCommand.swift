/// One client frame's controls, as sent on the wire. The server maps it to the game's input type.
public struct InputCommand: Sendable, Hashable {
    /// Horizontal stick, -127 (left) ... 127 (right); -128 reads as -127.
    public var moveX: Int8
    /// Vertical stick, -127 ... 127.
    public var moveY: Int8
    /// Button bits; their meaning belongs to the game.
    public var buttons: UInt8

    public init(moveX: Int8 = 0, moveY: Int8 = 0, buttons: UInt8 = 0) {
        self.moveX = moveX
        self.moveY = moveY
        self.buttons = buttons
    }

    /// Bytes per command on the wire.
    static let size = 3
}

/// An input with the sequence number the client gave it.
public struct SequencedInput: Sendable, Hashable {
    public var sequence: UInt32
    public var command: InputCommand

    public init(sequence: UInt32, command: InputCommand) {
        self.sequence = sequence
        self.command = command
    }
}
