import Foundation

/// Another process holding the database's write lock: the `sqlite3` shell inside `BEGIN IMMEDIATE`,
/// as a backup tool or an operator's shell would. ``hold(_:)`` returns once the lock is held.
final class DatabaseLock: @unchecked Sendable {
    private let process: Process
    private let input: Pipe

    private init(process: Process, input: Pipe) {
        self.process = process
        self.input = input
    }

    static func hold(_ path: String) async throws -> DatabaseLock {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sqlite3", path]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data("BEGIN IMMEDIATE;\nINSERT INTO matches SELECT * FROM matches WHERE 0;\n.print locked\n".utf8))
        // The shell prints "locked" once BEGIN IMMEDIATE has the lock (or an error if it could not).
        let said: String = await withCheckedContinuation { continuation in
            Thread {
                var text = ""
                while !text.contains("locked") {
                    let chunk = output.fileHandleForReading.availableData
                    if chunk.isEmpty { break }
                    text += String(decoding: chunk, as: UTF8.self)
                }
                continuation.resume(returning: text)
            }.start()
        }
        let lock = DatabaseLock(process: process, input: input)
        guard said.contains("locked"), !said.lowercased().contains("error") else {
            lock.release()
            throw CocoaError(.fileLocking, userInfo: [NSLocalizedDescriptionKey: "sqlite3 could not take the write lock: \(said)"])
        }
        return lock
    }

    /// Commits the empty transaction and ends the shell (idempotent).
    func release() {
        guard self.process.isRunning else { return }
        self.input.fileHandleForWriting.write(Data("COMMIT;\n.quit\n".utf8))
        try? self.input.fileHandleForWriting.close()
        self.process.waitUntilExit()
    }
}
