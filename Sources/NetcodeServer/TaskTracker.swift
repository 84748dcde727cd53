import NIOConcurrencyHelpers

/// Unstructured tasks that must finish before shutdown completes: each is counted when it is spawned,
/// not when it first runs, so ``wait()`` cannot return before a task that has not started yet. Work that
/// is not one task (a lobby connection, from open to close) is counted by ``begin()`` and ``end()``.
///
/// Two kinds: work (a password check, a result write, a hand-off to a match) runs to its end, and
/// shutdown waits for it; a timer (a held seat's grace, the shutdown grace, a match waiting for capacity)
/// is cancelled by ``cancelTimers()`` and then ends at once, doing what its expiry does. A timer spawned
/// after ``cancelTimers()`` starts cancelled, so one that a closing connection starts late cannot
/// outlive the server either.
final class TaskTracker: Sendable {
    enum Kind: Sendable {
        /// Runs to its end; shutdown waits for it.
        case work
        /// Cancelled by ``cancelTimers()``; its body must end promptly once cancelled.
        case timer
    }

    private struct State {
        var running = 0
        var nextID = 0
        /// Timers under way, to cancel.
        var timers: [Int: Task<Void, Never>] = [:]
        /// Timers that ended before their handle was filed (a task may finish before `spawn` returns).
        var endedEarly: Set<Int> = []
        var timersCancelled = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = NIOLockedValueBox(State())

    /// Starts `body` as a task, counted from now.
    func spawn(_ kind: Kind = .work, _ body: @escaping @Sendable () async -> Void) {
        let id = self.state.withLockedValue { state -> Int in
            state.running += 1
            defer { state.nextID += 1 }
            return state.nextID
        }
        let task = Task {
            await body()
            self.finished(id, kind: kind)
        }
        guard kind == .timer else { return }
        let cancelNow = self.state.withLockedValue { state -> Bool in
            if state.endedEarly.remove(id) != nil { return false }
            if !state.timersCancelled { state.timers[id] = task }
            return state.timersCancelled
        }
        if cancelNow { task.cancel() }
    }

    private func finished(_ id: Int, kind: Kind) {
        let waiters = self.state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
            if kind == .timer, state.timers.removeValue(forKey: id) == nil, !state.timersCancelled {
                state.endedEarly.insert(id)
            }
            return Self.countDown(&state)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Counts one piece of work that is not a task of its own from now until its ``end()``.
    func begin() {
        self.state.withLockedValue { $0.running += 1 }
    }

    /// One piece of work counted by ``begin()`` is done.
    func end() {
        let waiters = self.state.withLockedValue { Self.countDown(&$0) }
        for waiter in waiters { waiter.resume() }
    }

    /// One fewer running; the waiters to resume when none is left.
    private static func countDown(_ state: inout State) -> [CheckedContinuation<Void, Never>] {
        state.running -= 1
        guard state.running == 0 else { return [] }
        defer { state.waiters.removeAll() }
        return state.waiters
    }

    /// Cancels every timer under way and every timer spawned from now on.
    func cancelTimers() {
        let timers = self.state.withLockedValue { state -> [Task<Void, Never>] in
            state.timersCancelled = true
            defer { state.timers.removeAll() }
            return Array(state.timers.values)
        }
        for timer in timers { timer.cancel() }
    }

    /// Tasks spawned and not yet finished.
    var running: Int { self.state.withLockedValue { $0.running } }

    /// Returns once every spawned task has finished.
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
