import NIOCore

/// The payload of a ``PacketType/input`` packet: the client's newest inputs, oldest first, repeated in
/// every packet so that a lost packet (or a short burst) loses no input.
///
/// ```
/// offset size field
///      0    4 newest input sequence (u32; the client's first input is 1)
///      4    1 count (0...16)
///      5  3*n count x (moveX i8, moveY i8, buttons u8), oldest first;
///             the last one has the newest sequence, the one before it newest - 1, ...
/// ```
public struct InputMessage: Sendable, Hashable {
    /// The most inputs one message may carry.
    public static let maxInputs = 16

    /// The sequence of the last element of `inputs`.
    public var newestSequence: UInt32
    /// Consecutive inputs, oldest first.
    public var inputs: [InputCommand]

    /// - Precondition: `inputs.count <= 16` and `inputs.count <= newestSequence + 1`.
    public init(newestSequence: UInt32, inputs: [InputCommand]) {
        precondition(inputs.count <= Self.maxInputs, "an input message carries at most \(Self.maxInputs) inputs")
        precondition(UInt64(inputs.count) <= UInt64(newestSequence) + 1, "input sequences cannot go below 0")
        self.newestSequence = newestSequence
        self.inputs = inputs
    }

    /// The inputs with their sequence numbers, oldest first.
    public var sequencedInputs: [SequencedInput] {
        let first = newestSequence &- UInt32(inputs.count) &+ 1
        return inputs.enumerated().map { index, command in
            SequencedInput(sequence: first &+ UInt32(index), command: command)
        }
    }

    /// The payload bytes: 5 + 3 x count.
    public func encoded() -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(5 + InputCommand.size * inputs.count)
        Self.write(newestSequence: newestSequence, count: inputs.count, into: &buffer) { inputs[$0] }
        return buffer
    }

    /// Writes the payload of `count` inputs ending at `newestSequence`, the `index`-th (oldest first)
    /// from `input(index)`: how a sender writes a message in place without building it.
    @inline(__always)
    static func write(newestSequence: UInt32, count: Int, into buffer: inout ByteBuffer, input: (Int) -> InputCommand) {
        // Into one reservation, byte by byte (big-endian, as ByteBuffer's writeInteger): one capacity
        // and uniqueness check for the payload instead of one per field.
        let size = 5 + count * InputCommand.size
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { memory in
            memory.storeBytes(of: newestSequence.bigEndian, toByteOffset: 0, as: UInt32.self)
            memory[4] = UInt8(truncatingIfNeeded: count)
            for index in 0..<count {
                let command = input(index)
                let offset = 5 + index * InputCommand.size
                memory[offset] = UInt8(bitPattern: command.moveX)
                memory[offset + 1] = UInt8(bitPattern: command.moveY)
                memory[offset + 2] = command.buttons
            }
            return size
        }
    }

    /// Decodes a payload; the length must be exactly 5 + 3 x count.
    public static func decode(_ payload: ByteBuffer) throws(RealtimeDecodingError) -> InputMessage {
        var buffer = payload
        guard let newest = buffer.readInteger(as: UInt32.self), let count = buffer.readInteger(as: UInt8.self) else {
            throw .malformed("an input payload starts with 5 bytes, got \(payload.readableBytes)")
        }
        guard Int(count) <= maxInputs else {
            throw .malformed("an input payload carries at most \(maxInputs) inputs, got \(count)")
        }
        guard UInt64(count) <= UInt64(newest) + 1 else {
            throw .malformed("\(count) inputs ending at sequence \(newest) would start below 0")
        }
        guard buffer.readableBytes == Int(count) * InputCommand.size else {
            throw .malformed("\(count) inputs need \(Int(count) * InputCommand.size) bytes, got \(buffer.readableBytes)")
        }
        var inputs: [InputCommand] = []
        inputs.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard
                let moveX = buffer.readInteger(as: Int8.self),
                let moveY = buffer.readInteger(as: Int8.self),
                let buttons = buffer.readInteger(as: UInt8.self)
            else { throw .malformed("input truncated") }
            inputs.append(InputCommand(moveX: moveX, moveY: moveY, buttons: buttons))
        }
        return InputMessage(newestSequence: newest, inputs: inputs)
    }
}
