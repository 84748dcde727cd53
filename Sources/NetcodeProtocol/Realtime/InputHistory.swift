import NIOCore

/// The client's recent inputs, numbered 1, 2, 3, ... one per client frame, from which each input packet
/// is built with the newest `redundancy` inputs.
///
/// It also remembers when each input was made, so that when a snapshot reports the newest input the
/// server has processed, the client can tell how long that input took to take effect.
public struct InputHistory: Sendable {
    /// How many inputs each message repeats (1...16).
    public let redundancy: Int
    /// How many inputs (and their times) are remembered.
    public let capacity: Int
    /// The sequence of the newest input, 0 before the first.
    public private(set) var newestSequence: UInt32 = 0

    /// Each remembered input with its time, side by side: appending one touches one array (a swarm's
    /// thousands of histories are cold by their next input, and each array touched is a cache miss).
    struct Entry {
        var time: UInt64
        var command: InputCommand
    }

    var entries: [Entry]

    /// - Parameters:
    ///   - redundancy: inputs per message, clamped to 1...16. 5 covers four lost packets in a row at
    ///     one input per packet.
    ///   - capacity: inputs remembered for ``recordedAt(_:)``; at least `redundancy`. 256 is over 4 s at 60 Hz.
    public init(redundancy: Int = 5, capacity: Int = 256) {
        self.redundancy = min(max(redundancy, 1), InputMessage.maxInputs)
        self.capacity = max(capacity, self.redundancy)
        self.entries = Array(repeating: Entry(time: 0, command: InputCommand()), count: self.capacity)
    }

    /// Records this frame's input.
    /// - Returns: the sequence number it was given.
    @discardableResult
    public mutating func append(_ command: InputCommand, now: UInt64) -> UInt32 {
        newestSequence &+= 1
        let slot = Int(newestSequence % UInt32(capacity))
        entries[slot] = Entry(time: now, command: command)
        return newestSequence
    }

    /// The message to send now: the newest `redundancy` inputs (fewer at the start), or `nil` before
    /// the first input.
    public func message() -> InputMessage? {
        guard newestSequence > 0 else { return nil }
        let count = Int(min(UInt32(redundancy), newestSequence))
        let first = newestSequence - UInt32(count) + 1
        let inputs = (0..<count).map { entries[slot(first + UInt32($0))].command }
        return InputMessage(newestSequence: newestSequence, inputs: inputs)
    }

    /// Writes the payload of ``message()`` at the end of `buffer`, without building the message: the
    /// same bytes, no allocation. Returns false (and writes nothing) before the first input.
    public func writeMessage(into buffer: inout ByteBuffer) -> Bool {
        guard newestSequence > 0 else { return false }
        let count = Int(min(UInt32(redundancy), newestSequence))
        let first = newestSequence - UInt32(count) + 1
        InputMessage.write(newestSequence: newestSequence, count: count, into: &buffer) { entries[slot(first + UInt32($0))].command }
        return true
    }

    /// The input with this sequence, if it is still remembered.
    public func input(_ sequence: UInt32) -> InputCommand? {
        isRemembered(sequence) ? entries[slot(sequence)].command : nil
    }

    /// When the input with this sequence was appended, if it is still remembered.
    public func recordedAt(_ sequence: UInt32) -> UInt64? {
        isRemembered(sequence) ? entries[slot(sequence)].time : nil
    }

    private func isRemembered(_ sequence: UInt32) -> Bool {
        sequence > 0 && sequence <= newestSequence && newestSequence - sequence < UInt32(capacity)
    }

    func slot(_ sequence: UInt32) -> Int {
        Int(sequence % UInt32(capacity))
    }
}
