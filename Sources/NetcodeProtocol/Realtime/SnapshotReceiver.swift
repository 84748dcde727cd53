import NIOCore

/// The client's side of the snapshot stream: decodes full and delta snapshots, keeping recent states by
/// tick as baselines for the deltas to come.
///
/// Every decoded snapshot is kept, even one older than the newest: the server may pick it as a baseline
/// once its packet is acked. Keep ``SnapshotRing/capacity`` above the server's
/// ``SnapshotBaselineTracker/maxBaselineAge``.
public struct SnapshotReceiver: Sendable {
    /// Counters for the snapshots a client received.
    public struct Stats: Sendable, Hashable {
        /// Snapshots decoded, in full and as deltas.
        public var decodedFull: UInt64 = 0
        public var decodedDelta: UInt64 = 0
        /// Decoded snapshots that were not newer than one already decoded (reordered).
        public var stale: UInt64 = 0
        /// Deltas whose baseline was no longer kept: undecodable.
        public var missingBaseline: UInt64 = 0
        /// Payloads that broke the layout.
        public var malformed: UInt64 = 0

        public init() {}
    }

    public private(set) var stats = Stats()
    /// The newest snapshot decoded so far (by tick).
    public private(set) var newest: SnapshotMessage?
    /// The tick of ``newest``, kept apart so that reading it copies nothing (`newest?.state.tick` copies
    /// the message, retaining its lists, for one number).
    public private(set) var newestTick: UInt32?
    var history: SnapshotRing

    /// - Parameter capacity: states kept as baselines; 64 is two seconds at 30 ticks/s.
    public init(capacity: Int = 64) {
        history = SnapshotRing(capacity: capacity)
    }

    /// Decodes one snapshot payload and keeps its state. Returns the message even when it is stale, so
    /// the caller can still use its timing; ``newest`` only moves forward.
    ///
    /// - Parameter newestInputSent: the newest input sequence this client has sent (`nil` if none), from
    ///   which the processed input's full sequence is restored.
    public mutating func receive(_ payload: ByteBuffer, newestInputSent: UInt32? = nil) -> Result<SnapshotMessage, RealtimeDecodingError> {
        let message: SnapshotMessage
        do {
            message = try SnapshotCodec.decode(payload, newestTick: newestTick, newestInputSent: newestInputSent) {
                history.state(at: $0)
            }
        } catch {
            switch error {
            case .missingBaseline: stats.missingBaseline += 1
            case .malformed: stats.malformed += 1
            }
            return .failure(error)
        }
        if message.baselineTick == nil { stats.decodedFull += 1 } else { stats.decodedDelta += 1 }
        history.insert(message.state)
        if let newestTick, newestTick >= message.state.tick {
            stats.stale += 1
        } else {
            newest = message
            newestTick = message.state.tick
        }
        return .success(message)
    }

    /// A kept state by tick.
    public func state(at tick: UInt32) -> SnapshotState? {
        history.state(at: tick)
    }
}
