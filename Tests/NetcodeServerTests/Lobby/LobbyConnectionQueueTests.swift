import NIOConcurrencyHelpers
import NIOCore
import NetcodeProtocol
import Testing
@testable import NetcodeServer

/// A connection's events reach its worker in order and one at a time, and reading pauses while too many
/// wait: ``LobbyConnectionQueue`` on its own, driven the way the channel handler drives it.
@Suite struct LobbyConnectionQueueTests {
    @Test func eventsAreHandledInOrderAndOneAtATime() async throws {
        let worker = RecordingWorker()
        let tracker = TaskTracker()
        let queue = LobbyConnectionQueue(worker: worker, tracker: tracker)
        var resumes = worker.resumes.makeAsyncIterator()
        var pauses = 0
        #expect(queue.append(.open) == false)
        for nonce in 0..<2_000 as Range<UInt64> {
            // Like a socket: once the queue says stop, nothing more arrives until the worker resumes reading.
            if queue.append(.message(.ping(nonce: nonce))) {
                pauses += 1
                #expect(queue.backlog <= LobbyConnectionQueue.pauseAbove + 1)
                _ = await resumes.next()
            }
        }
        _ = queue.append(.end(.closed))
        await tracker.wait()
        let (handled, mostAtOnce, ends) = worker.state.withLockedValue { ($0.nonces, $0.mostAtOnce, $0.ends) }
        #expect(handled == Array(0..<2_000), "events out of order or lost")
        #expect(mostAtOnce == 1, "events of one connection were handled concurrently")
        #expect(ends == 1)
        #expect(queue.backlog == 0)
        // The worker yields inside every event, so the producer outpaces it: the pause must have happened.
        #expect(pauses > 0)
    }

    /// Between events the queue has no task; the next event must start one.
    @Test func eventsAfterAnIdleSpellAreHandled() async throws {
        let worker = RecordingWorker()
        let tracker = TaskTracker()
        let queue = LobbyConnectionQueue(worker: worker, tracker: tracker)
        _ = queue.append(.open)
        for round in 0..<50 as Range<UInt64> {
            _ = queue.append(.message(.ping(nonce: round)))
            // Each round waits until the event was handled: the next one finds the queue idle.
            await worker.waitForHandled(Int(round) + 1)
        }
        _ = queue.append(.end(.closed))
        await tracker.wait()
        #expect(worker.state.withLockedValue { $0.nonces } == Array(0..<50))
        #expect(worker.state.withLockedValue { $0.mostAtOnce } == 1)
    }
}

/// Records the pings it handles and how many `handle` calls ever overlapped; yields inside each so an
/// overlapping call would get its chance.
final class RecordingWorker: LobbyConnectionWorker {
    struct State {
        var nonces: [UInt64] = []
        var inside = 0
        var mostAtOnce = 0
        var ends = 0
        var waiters: [(Int, CheckedContinuation<Void, Never>)] = []
    }

    let state = NIOLockedValueBox(State())
    let resumes: AsyncStream<Void>
    private let resumed: AsyncStream<Void>.Continuation

    init() {
        (self.resumes, self.resumed) = AsyncStream.makeStream()
    }

    func handle(_ event: LobbyConnectionEvent) async {
        self.state.withLockedValue {
            $0.inside += 1
            $0.mostAtOnce = max($0.mostAtOnce, $0.inside)
        }
        await Task.yield()
        let ready = self.state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
            state.inside -= 1
            switch event {
            case .message(.ping(let nonce)): state.nonces.append(nonce)
            case .end: state.ends += 1
            default: break
            }
            let count = state.nonces.count
            let ready = state.waiters.filter { $0.0 <= count }.map(\.1)
            state.waiters.removeAll { $0.0 <= count }
            return ready
        }
        for waiter in ready { waiter.resume() }
    }

    func resumeReading() {
        self.resumed.yield()
    }

    /// Returns once `count` pings have been handled.
    func waitForHandled(_ count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = self.state.withLockedValue { state -> Bool in
                if state.nonces.count >= count { return true }
                state.waiters.append((count, continuation))
                return false
            }
            if done { continuation.resume() }
        }
    }
}
