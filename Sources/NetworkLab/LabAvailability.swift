/// Whether a lab can be built here, how, and if not, why not.
public struct LabAvailability: Sendable, Hashable, CustomStringConvertible {
    /// How the namespaces are created.
    public enum Mode: String, Sendable, Hashable {
        /// As root: only a network namespace per side; the host's namespace is never touched.
        case root
        /// Unprivileged: a user namespace per side maps the caller to root inside it.
        case rootless
    }

    /// The way the lab will be built, or `nil` when it cannot be.
    public let mode: Mode?
    /// What makes the lab possible, or what stands in the way and how to fix it (one line).
    public let reason: String

    public init(mode: Mode?, reason: String) {
        self.mode = mode
        self.reason = reason
    }

    public var isAvailable: Bool {
        self.mode != nil
    }

    public var description: String {
        if let mode { return "network lab available (\(mode.rawValue)): \(self.reason)" }
        return "network lab unavailable: \(self.reason)"
    }
}
