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
}
