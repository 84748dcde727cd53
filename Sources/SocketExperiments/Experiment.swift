/// Where an experiment writes its steps and its evidence. Experiments never print; the command gives
/// them a sink that does, tests give them one that collects.
public struct ExperimentLog: Sendable {
    let write: @Sendable (String) -> Void

    public init(_ write: @escaping @Sendable (String) -> Void) {
        self.write = write
    }

    /// A step: what is about to happen and why.
    func step(_ text: String) { self.write("• \(text)") }
    /// A line of evidence: what the kernel reported.
    func evidence(_ text: String) { self.write("  = \(text)") }
    /// A note that qualifies the evidence.
    func note(_ text: String) { self.write("  ! \(text)") }

    public static let silent = ExperimentLog { _ in }
}
