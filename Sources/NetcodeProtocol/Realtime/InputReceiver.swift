import NIOCore

/// The server's side of one client's input stream: turns redundant, possibly duplicated or reordered
/// input messages into each input exactly once, in sequence order.
///
/// Inputs are delivered in increasing sequence only: once a newer input has been handed to the
/// simulation, an older one that shows up late is ignored, because the tick it belonged to is past.
/// Inputs skipped that way, or never received at all, are counted as lost.
public struct InputReceiver: Sendable {
    /// Counters for one client's inputs.
    public struct Stats: Sendable, Hashable {
        /// Inputs delivered (each once).
        public var inputsReceived: UInt64 = 0
        /// Delivered inputs that came as a redundant copy, not as the newest input of their message:
        /// with one input per packet, those whose own packet was lost or arrived late.
        public var inputsRecovered: UInt64 = 0
        /// Inputs never delivered: a gap between the newest input delivered and the oldest one in the
        /// next message that moved forward.
        public var inputsLost: UInt64 = 0
        /// Copies of inputs already delivered (redundancy, duplicates, late packets).
        public var redundantCopies: UInt64 = 0

        public init() {}
    }

    /// The newest input sequence delivered, 0 before the first: the value to report back in snapshots.
    public private(set) var newestSequence: UInt32 = 0
    public private(set) var stats = Stats()

    public init() {}

    /// Takes one message and returns the inputs in it that are newer than any delivered so far,
    /// oldest first.
    public mutating func receive(_ message: InputMessage) -> [SequencedInput] {
        var fresh: [SequencedInput] = []
        for input in message.sequencedInputs {
            guard input.sequence > newestSequence else {
                stats.redundantCopies += 1
                continue
            }
            if fresh.isEmpty, input.sequence > newestSequence &+ 1 {
                stats.inputsLost += UInt64(input.sequence - newestSequence - 1)
            }
            fresh.append(input)
            stats.inputsReceived += 1
            if input.sequence != message.newestSequence { stats.inputsRecovered += 1 }
        }
        if let last = fresh.last { newestSequence = last.sequence }
        return fresh
    }

    /// Decodes an input payload and takes it in as ``receive(_:)`` does, checking it exactly as
    /// ``InputMessage/decode(_:)`` does, but without building the message: only the newest fresh input
    /// is returned, since the simulation applies only that one. Nothing is allocated. On a throw,
    /// nothing changes.
    ///
    /// - Returns: the newest input delivered by this payload, or `nil` if it held nothing new.
    public mutating func receiveNewest(_ payload: ByteBuffer) throws(RealtimeDecodingError) -> SequencedInput? {
        let start = payload.readerIndex
        guard let newest = payload.getInteger(at: start, as: UInt32.self),
              let count = payload.getInteger(at: start + 4, as: UInt8.self)
        else { throw .malformed("an input payload starts with 5 bytes, got \(payload.readableBytes)") }
        guard Int(count) <= InputMessage.maxInputs else {
            throw .malformed("an input payload carries at most \(InputMessage.maxInputs) inputs, got \(count)")
        }
        guard UInt64(count) <= UInt64(newest) + 1 else {
            throw .malformed("\(count) inputs ending at sequence \(newest) would start below 0")
        }
        guard payload.readableBytes - 5 == Int(count) * InputCommand.size else {
            throw .malformed("\(count) inputs need \(Int(count) * InputCommand.size) bytes, got \(payload.readableBytes - 5)")
        }
        let first = newest &- UInt32(count) &+ 1
        var delivered: SequencedInput?
        for index in 0..<Int(count) {
            let sequence = first &+ UInt32(index)
            guard sequence > newestSequence else {
                stats.redundantCopies += 1
                continue
            }
            if delivered == nil, sequence > newestSequence &+ 1 {
                stats.inputsLost += UInt64(sequence - newestSequence - 1)
            }
            stats.inputsReceived += 1
            if sequence != newest { stats.inputsRecovered += 1 }
            let offset = start + 5 + index * InputCommand.size
            let command = InputCommand(
                moveX: payload.getInteger(at: offset, as: Int8.self) ?? 0,
                moveY: payload.getInteger(at: offset + 1, as: Int8.self) ?? 0,
                buttons: payload.getInteger(at: offset + 2, as: UInt8.self) ?? 0
            )
            delivered = SequencedInput(sequence: sequence, command: command)
        }
        if let delivered { newestSequence = delivered.sequence }
        return delivered
    }
}
