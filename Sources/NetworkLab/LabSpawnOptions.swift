/// How a process started in the lab is wired up.
public struct LabSpawnOptions: Sendable, Hashable {
    /// Where the process's standard output and error go.
    public enum Output: Sendable, Hashable {
        /// The lab's own standard output and error.
        case inherit
        /// Nowhere (`/dev/null`).
        case discard
        /// Kept (in unlinked temporary files) for ``LabProcess/standardOutput()`` and
        /// ``LabProcess/standardError()``.
        case capture
        /// Written to these files, created or truncated.
        case files(standardOutput: String, standardError: String)
    }

    public let output: Output
    /// Give the process the lab's standard input (an interactive shell wants it); otherwise `/dev/null`.
    public let inheritStandardInput: Bool
    /// Variables added to (or replacing those of) the lab process's own environment.
    public let environment: [String: String]
    /// Where the process starts; `nil` for the lab process's current directory.
    public let workingDirectory: String?
    /// Start the process in a process group of its own, so that terminating it also reaches the
    /// processes it started. Turn off for an interactive program that must read the terminal.
    public let ownProcessGroup: Bool

    public init(
        output: Output = .capture,
        inheritStandardInput: Bool = false,
        environment: [String: String] = [:],
        workingDirectory: String? = nil,
        ownProcessGroup: Bool = true
    ) {
        self.output = output
        self.inheritStandardInput = inheritStandardInput
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.ownProcessGroup = ownProcessGroup
    }
}

/// How a process in the lab ended.
public enum LabExitStatus: Sendable, Hashable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    /// Exit code 0.
    public var succeeded: Bool {
        self == .exited(0)
    }

    /// The shell's convention: the exit code, or 128 + the signal number.
    public var shellCode: Int32 {
        switch self {
        case .exited(let code): code
        case .signaled(let signal): 128 + signal
        }
    }

    public var description: String {
        switch self {
        case .exited(let code): "exited with \(code)"
        case .signaled(let signal): "killed by signal \(signal)"
        }
    }

    /// Decodes a `waitpid` status word.
    init(waitStatus status: Int32) {
        if status & 0x7F == 0 {
            self = .exited((status >> 8) & 0xFF)
        } else {
            self = .signaled(status & 0x7F)
        }
    }
}
