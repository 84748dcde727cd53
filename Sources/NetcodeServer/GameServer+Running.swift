/// Running a server for the length of a piece of work in the same process (the demo, a portable
/// comparison point): the server's ``run()`` is a child task of the caller's, so it cannot outlive it.
extension GameServer {
    /// Runs the server while `body` runs, then shuts it down gracefully and waits for ``run()`` to
    /// return, whether `body` returned, threw or was cancelled. `body`'s error comes first; otherwise
    /// an error of ``run()`` is thrown. Bind first (``bind()``) to know the ports `body` connects to.
    public func whileRunning<Result>(_ body: () async throws -> Result) async throws -> Result {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.run() }
            let result: Result
            do {
                result = try await body()
            } catch {
                // run() ignores cancellation: only a shutdown ends it.
                self.shutdown()
                try? await group.waitForAll()
                throw error
            }
            self.shutdown()
            try await group.waitForAll()
            return result
        }
    }
}
