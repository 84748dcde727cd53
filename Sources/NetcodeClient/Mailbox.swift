import NIOConcurrencyHelpers
import NIOCore

/// An ordered inbox with timed waits, fed from the event loop and read by one consumer at a time.
///
/// The timeout is a timer on the channel's event loop, so a waiting reader is woken precisely even when
/// nothing arrives, without racing tasks.
private enum MailboxImmediate<Element> {
    case element(Element)
    case finished((any Error)?)
    case wait(UInt64)
}

final class Mailbox<Element: Sendable>: Sendable {
    private struct State {
        var queue: [Element] = []
        var head = 0
        var finished: (any Error)?? = nil
        var waiter: (id: UInt64, continuation: CheckedContinuation<Element?, any Error>)?
        /// The waiter's timeout, cancelled when the wait ends otherwise: a timer left to expire stays in
        /// the event loop's queue of scheduled tasks until its deadline, and a client that waits with a
        /// long timeout through many messages (a bot in a match, answered a pong every 10 s) would keep
        /// piling them up there, making every timer the loop schedules dearer.
        var timeout: Scheduled<Void>?
        var nextWaiterID: UInt64 = 0
    }

    private let state = NIOLockedValueBox(State())

    func push(_ element: Element) {
        let (waiter, timeout) = self.state.withLockedValue { state -> (CheckedContinuation<Element?, any Error>?, Scheduled<Void>?) in
            if let waiter = state.waiter {
                state.waiter = nil
                defer { state.timeout = nil }
                return (waiter.continuation, state.timeout)
            }
            state.queue.append(element)
            return (nil, nil)
        }
        timeout?.cancel()
        waiter?.resume(returning: element)
    }

    /// Ends the inbox: readers get what is queued, then nil (or `error`).
    func finish(throwing error: (any Error)? = nil) {
        let (waiter, timeout) = self.state.withLockedValue { state -> (CheckedContinuation<Element?, any Error>?, Scheduled<Void>?) in
            if state.finished == nil { state.finished = .some(error) }
            defer {
                state.waiter = nil
                state.timeout = nil
            }
            return (state.waiter?.continuation, state.timeout)
        }
        timeout?.cancel()
        if let error { waiter?.resume(throwing: error) } else { waiter?.resume(returning: nil) }
    }

    /// The waiting reader's timeout, once it is armed (nil when no one waits): its future fails with
    /// `EventLoopError.cancelled` when the wait ends another way.
    var waitingTimeout: EventLoopFuture<Void>? {
        self.state.withLockedValue { $0.timeout?.futureResult }
    }

    /// The next element, nil when finished, or `timeoutError` once `timeout` passes.
    func next(timeout: TimeAmount, on eventLoop: any EventLoop, timeoutError: any Error & Sendable) async throws -> Element? {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Element?, any Error>) in
            let immediate = self.state.withLockedValue { state -> MailboxImmediate<Element> in
                if state.head < state.queue.count {
                    let element = state.queue[state.head]
                    state.head += 1
                    if state.head > 64, state.head * 2 > state.queue.count {
                        state.queue.removeFirst(state.head)
                        state.head = 0
                    }
                    return .element(element)
                }
                if let finished = state.finished { return .finished(finished) }
                precondition(state.waiter == nil, "one reader at a time")
                state.nextWaiterID += 1
                state.waiter = (state.nextWaiterID, continuation)
                return .wait(state.nextWaiterID)
            }
            switch immediate {
            case .element(let element):
                continuation.resume(returning: element)
            case .finished(let error):
                if let error { continuation.resume(throwing: error) } else { continuation.resume(returning: nil) }
            case .wait(let id):
                let scheduled = eventLoop.scheduleTask(in: timeout) {
                    let expired = self.state.withLockedValue { state -> CheckedContinuation<Element?, any Error>? in
                        guard let waiter = state.waiter, waiter.id == id else { return nil }
                        state.waiter = nil
                        state.timeout = nil
                        return waiter.continuation
                    }
                    expired?.resume(throwing: timeoutError)
                }
                // Kept for cancelling, unless the wait already ended between the two locks.
                let stale = self.state.withLockedValue { state -> Bool in
                    guard state.waiter?.id == id else { return true }
                    state.timeout = scheduled
                    return false
                }
                if stale { scheduled.cancel() }
            }
        }
    }
}
