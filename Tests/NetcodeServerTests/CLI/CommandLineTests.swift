import Foundation
import Testing

/// The `netcode` executable's answers to bad or unusual arguments: a clear message and an exit code,
/// never a trap.
@Suite struct CommandLineTests {
    struct Run {
        var status: Int32
        var reason: Process.TerminationReason
        var output: String
    }

    /// Waits for the process on a thread of its own: a test blocking the cooperative pool (two threads
    /// on two cores) starves every async test running beside it.
    static func run(_ arguments: [String]) async throws -> Run {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("netcode-cli-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        let process = try NetcodeBinary.start(arguments, log: log)
        try await onOwnThread { process.waitUntilExit() }
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return Run(status: process.terminationStatus, reason: process.terminationReason, output: output)
    }

    @Test(arguments: [
        ["server", "--idle-timeout", "inf"],
        ["server", "--session-timeout", "1e300"],
        ["server", "--idle-timeout", "nan"],
        ["server", "--session-timeout=-1s"],
    ])
    func outOfRangeDurationsAreValidationErrors(_ arguments: [String]) async throws {
        let run = try await Self.run(arguments)
        #expect(run.reason == .exit, "no trap: \(run.output)")
        #expect(run.status == 64, "a usage error: \(run.output)")
        #expect(run.output.contains("invalid"), "\(run.output)")
        let option = String(arguments[1].split(separator: "=")[0])
        #expect(run.output.contains(option), "the message names the option: \(run.output)")
    }

    @Test(arguments: [
        ["server", "--max-failed-logins", "0"],
        ["server", "--failed-login-window", "0s"],
        ["server", "--login-block", "forever"],
    ])
    func loginLimitOptionsAreChecked(_ arguments: [String]) async throws {
        let run = try await Self.run(arguments)
        #expect(run.reason == .exit && run.status == 64, "a usage error: \(run.output)")
        #expect(run.output.contains(arguments[1]), "the message names the option: \(run.output)")
    }

    @Test func labRunHelpWorks() async throws {
        let run = try await Self.run(["lab", "run", "--help"])
        #expect(run.reason == .exit)
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("--side"), "\(run.output)")
        // A command still needs the terminator, and gets a clear error without it.
        let bare = try await Self.run(["lab", "run", "ls"])
        #expect(bare.reason == .exit && bare.status == 64, "\(bare.output)")
    }

    @Test func resultsOnAMistypedDatabaseSaysTheFileDoesNotExist() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("netcode-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("typo.sqlite").path
        let run = try await Self.run(["results", "--db", path])
        #expect(run.status != 0)
        #expect(run.output.contains("does not exist"), "\(run.output)")
        #expect(!FileManager.default.fileExists(atPath: path), "nothing was created")
    }
}
