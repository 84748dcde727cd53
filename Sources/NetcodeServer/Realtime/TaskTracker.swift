import NIOConcurrencyHelpers

/// Work that must finish before shutdown completes: unstructured tasks, each counted when it is spawned,
/// not when it first runs, so ``wait()`` cannot return before a task that has not started yet; and work
/// that is not one task (a lobby connection, from open to close), counted by ``begin()`` and ``end()``.
final class TaskTracker: Sendable {
    private struct State {
        var running = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = NIOLockedValueBox(State())

    /// Starts `body` as a task, counted from now.
    func spawn(_ body: @escaping @Sendable () async -> Void) {
        self.begin()
        Task {
            await body()
            self.end()
        }
    }

    /// Counts one piece of work from now until its ``end()``.
    func begin() {
        self.state.withLockedValue { $0.running += 1 }
    }

    /// One piece of work counted by ``begin()`` is done.
    func end() {
        let waiters = self.state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
            state.running -= 1
            guard state.running == 0 else { return [] }
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once every spawned task and every begun piece of work has finished.
    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = self.state.withLockedValue { state -> Bool in
                if state.running == 0 { return true }
                state.waiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }
}
