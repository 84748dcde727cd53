import NIOCore
import NIOPosix
import Testing
@testable import NetcodeClient

/// The lobby inbox's timed waits: a wait that ends with a message or with the inbox's end cancels its
/// timer, so a client that waits through many messages leaves no timers behind on its event loop.
@Suite struct MailboxTests {
    struct Expired: Error {}

    /// The timeout of the reader waiting on `mailbox`, once the reader waits with it armed.
    private func armedTimeout(_ mailbox: Mailbox<Int>) async -> EventLoopFuture<Void> {
        while true {
            if let timeout = mailbox.waitingTimeout { return timeout }
            await Task.yield()
        }
    }

    @Test("a message ends the wait and cancels its timer; the next wait arms a new one")
    func messageCancelsTheTimeout() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let loop = group.next()
        let mailbox = Mailbox<Int>()
        var timers: [EventLoopFuture<Void>] = []
        for value in 1...3 {
            async let received = mailbox.next(timeout: .seconds(3), on: loop, timeoutError: Expired())
            let timeout = await self.armedTimeout(mailbox)
            timers.append(timeout)
            loop.execute { mailbox.push(value) }
            #expect(try await received == value)
            #expect(mailbox.waitingTimeout == nil, "no reader waits, no timer is kept")
        }
        for timer in timers {
            // A timer left armed would run at its deadline and succeed: only a cancelled one fails.
            await #expect(throws: EventLoopError.cancelled) { try await timer.get() }
        }
    }

    @Test("the inbox's end cancels the waiting reader's timer; a queued message needs no timer")
    func finishCancelsTheTimeout() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let loop = group.next()
        let mailbox = Mailbox<Int>()
        mailbox.push(7)
        #expect(try await mailbox.next(timeout: .seconds(3), on: loop, timeoutError: Expired()) == 7)
        #expect(mailbox.waitingTimeout == nil)

        async let ended = mailbox.next(timeout: .seconds(3), on: loop, timeoutError: Expired())
        let timeout = await self.armedTimeout(mailbox)
        mailbox.finish()
        #expect(try await ended == nil)
        await #expect(throws: EventLoopError.cancelled) { try await timeout.get() }
    }

    @Test("a wait that nothing ends still times out")
    func timeoutStillFires() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let mailbox = Mailbox<Int>()
        await #expect(throws: Expired.self) {
            _ = try await mailbox.next(timeout: .milliseconds(20), on: group.next(), timeoutError: Expired())
        }
        #expect(mailbox.waitingTimeout == nil)
    }
}
