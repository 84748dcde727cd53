import Testing
@testable import NetcodeServer

/// The tracker counts a task from its spawn, waits for work, and cancels timers, including those
/// spawned after the cancel.
@Suite struct TaskTrackerTests {
    @Test func waitReturnsOnlyAfterEveryTaskHasFinished() async {
        let tracker = TaskTracker()
        let (gate, open) = AsyncStream<Void>.makeStream()
        tracker.spawn { for await _ in gate {} }
        #expect(tracker.running == 1, "counted at spawn, before it runs")
        open.finish()
        await tracker.wait()
        #expect(tracker.running == 0)
    }

    @Test func cancelTimersEndsTimersUnderWayAndLaterOnesButNotWork() async {
        let tracker = TaskTracker()
        let (gate, open) = AsyncStream<Void>.makeStream()
        let cancelled = Counter()
        tracker.spawn(.timer) {
            try? await Task.sleep(for: .seconds(3600))
            if Task.isCancelled { await cancelled.add() }
        }
        tracker.spawn {
            for await _ in gate {}
            if Task.isCancelled { await cancelled.add() }
        }
        tracker.cancelTimers()
        tracker.spawn(.timer) {
            try? await Task.sleep(for: .seconds(3600))
            if Task.isCancelled { await cancelled.add() }
        }
        open.finish()
        await tracker.wait()
        #expect(await cancelled.value == 2, "both timers were cancelled, the work was not")
        #expect(tracker.running == 0)
    }

    actor Counter {
        var value = 0
        func add() { self.value += 1 }
    }
}
