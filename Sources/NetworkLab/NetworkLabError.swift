/// Something the lab could not do, with a message a user can act on.
public struct NetworkLabError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: Sendable, Hashable {
        /// The lab cannot be built on this machine (see ``NetworkLab/availability()``).
        case unavailable
        /// Creating a namespace or TUN device failed.
        case setupFailed
        /// A process could not be started in the lab.
        case spawnFailed
        /// A socket could not be made inside a namespace.
        case socketFailed
        /// Reading counters or talking to the kernel failed.
        case ioFailed
        /// The lab was already shut down.
        case shutDown
        /// A value given to the lab makes no sense.
        case invalidArgument
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String {
        self.message
    }
}
