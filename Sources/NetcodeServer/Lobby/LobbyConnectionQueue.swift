import NIOConcurrencyHelpers

/// One lobby connection's events waiting to be handled, and the task that handles them.
///
/// Why not one long-lived task per connection: a suspended Swift task keeps its async stack at its
/// high-water mark (after a login awaited the authenticator and the database), about 7.7 KiB per connected
/// player at 1,000 players, measured with heaptrack and `malloc_stats`. Here a task exists only while the
/// connection has events to handle: the first event into an empty queue starts one, which handles events
/// in order, one at a time, and ends when the queue is empty. An idle player costs no task and no stack.
///
/// Backpressure: ``append(_:)`` asks the caller to stop reading from the socket once more than
/// ``pauseAbove`` events wait, and the queue tells the worker to read again once at most ``resumeAt``
/// wait. A client that sends faster than the lobby answers fills its own socket buffers, not the server's
/// memory; what one read of the socket delivers (and the flood limit allows) is the most that ever waits.
final class LobbyConnectionQueue: Sendable {
    static let pauseAbove = 8
    static let resumeAt = 2

    private struct State {
        var events: [LobbyConnectionEvent] = []
        /// A task is handling this queue's events.
        var draining = false
        /// The caller was told to stop reading.
        var paused = false
    }

    private let state = NIOLockedValueBox(State())
    private let worker: any LobbyConnectionWorker
    /// Counts the connection (from ``LobbyConnectionEvent/open`` until its ``LobbyConnectionEvent/end(_:)``
    /// was handled) and every draining task, so the server's shutdown waits for both.
    private let tracker: TaskTracker

    init(worker: any LobbyConnectionWorker, tracker: TaskTracker) {
        self.worker = worker
        self.tracker = tracker
    }

    /// Queues `event` behind the others, starting the task that handles them if none runs. Returns true
    /// when the caller should stop reading until the worker's ``LobbyConnectionWorker/resumeReading()``.
    func append(_ event: LobbyConnectionEvent) -> Bool {
        if case .open = event { self.tracker.begin() }
        let (start, pause) = self.state.withLockedValue { state in
            state.events.append(event)
            let start = !state.draining
            state.draining = true
            let pause = !state.paused && state.events.count > Self.pauseAbove
            if pause { state.paused = true }
            return (start, pause)
        }
        if start { self.tracker.spawn { await self.drain() } }
        return pause
    }

    /// Events waiting (not counting the one being handled).
    var backlog: Int { self.state.withLockedValue { $0.events.count } }

    private func drain() async {
        while let (event, resume) = self.next() {
            if resume { self.worker.resumeReading() }
            await self.worker.handle(event)
            if case .end = event { self.tracker.end() }
        }
    }

    /// Takes the oldest event, or marks the queue idle when there is none (the next append starts a task).
    private func next() -> (LobbyConnectionEvent, resume: Bool)? {
        self.state.withLockedValue { state in
            guard !state.events.isEmpty else {
                state.draining = false
                state.events = []  // an idle connection keeps no buffer
                return nil
            }
            // At most a burst waits here, so removing from the front of an array is cheap enough.
            let event = state.events.removeFirst()
            let resume = state.paused && state.events.count <= Self.resumeAt
            if resume { state.paused = false }
            return (event, resume)
        }
    }
}
