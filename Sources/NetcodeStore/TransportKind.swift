/// Which protocol carried a match's realtime traffic, or one side of a comparison.
///
/// Stored as its raw value, "udp" or "tcp".
public enum TransportKind: String, Sendable, Hashable, CaseIterable {
    case udp
    case tcp
}
