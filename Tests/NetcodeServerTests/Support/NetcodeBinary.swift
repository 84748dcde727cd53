import Foundation

/// The `netcode` executable that `swift test` built beside the test bundle.
enum NetcodeBinary {
    static var url: URL? {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // The test runner may be a bundle inside the build folder.
        for _ in 0..<3 {
            let candidate = folder.appendingPathComponent("netcode")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder.deleteLastPathComponent()
        }
        return nil
    }

    /// Starts `netcode` with `arguments`; standard error goes to a file the caller may read.
    static func start(_ arguments: [String], log: URL) throws -> Process {
        guard let url = self.url else { throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "the netcode executable was not built beside the tests"]) }
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        let handle = try FileHandle(forWritingTo: log)
        process.standardError = handle
        process.standardOutput = handle
        try process.run()
        return process
    }
}
