/// Why a realtime payload could not be decoded. Count it as ``DropReason/malformedPayload`` (or, for
/// ``missingBaseline(_:)``, as an undecodable snapshot) and move on; the next packet supersedes it.
public enum RealtimeDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The bytes do not follow the layout of their packet type: `detail` says which rule failed.
    case malformed(String)
    /// A delta snapshot refers to a baseline tick the receiver no longer (or never) had.
    case missingBaseline(tick: UInt32)

    public var description: String {
        switch self {
        case .malformed(let detail): return "malformed realtime payload: \(detail)"
        case .missingBaseline(let tick):
            return "snapshot is a delta against tick \(tick), which is not among the recent snapshots kept"
        }
    }
}
