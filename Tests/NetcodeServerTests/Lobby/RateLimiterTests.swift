import Testing
@testable import NetcodeServer

@Suite struct RateLimiterTests {
    @Test func failedLoginsBlockAnAddressForAWhile() {
        var limiter = LoginRateLimiter(allowedFailures: 3, window: .seconds(60), blockDuration: .seconds(30))
        for second in 0..<3 {
            #expect(limiter.retryDelay(for: "10.0.0.1", now: .seconds(second)) == nil)
            limiter.recordFailure(for: "10.0.0.1", now: .seconds(second))
        }
        #expect(limiter.retryDelay(for: "10.0.0.1", now: .seconds(3)) == .seconds(29))
        #expect(limiter.retryDelay(for: "10.0.0.2", now: .seconds(3)) == nil, "other addresses are unaffected")
        #expect(limiter.retryDelay(for: "10.0.0.1", now: .seconds(33)) == nil, "the block ends")
    }

    @Test func aSuccessForgivesOnlyItsOwnAttempt() {
        var limiter = LoginRateLimiter(allowedFailures: 3, window: .seconds(60), blockDuration: .seconds(30))
        // Two wrong guesses at the victim, then a login into one's own account from the same address.
        #expect(limiter.beginAttempt(for: "a", name: "victim", now: .zero) == nil)
        #expect(limiter.beginAttempt(for: "a", name: "victim", now: .seconds(1)) == nil)
        #expect(limiter.beginAttempt(for: "a", name: "me", now: .seconds(2)) == nil)
        limiter.recordSuccess(for: "a", name: "me")
        // The success forgave its own attempt, not the guesses: one more guess, then the block.
        #expect(limiter.beginAttempt(for: "a", name: "victim", now: .seconds(3)) == nil)
        #expect(limiter.beginAttempt(for: "a", name: "victim", now: .seconds(4)) != nil)
        #expect(limiter.beginAttempt(for: "a", name: "me", now: .seconds(4)) != nil, "the whole address waits")
    }

    @Test func attemptsCountWhenTheyStartNotWhenTheyFail() {
        var limiter = LoginRateLimiter(allowedFailures: 5, window: .seconds(60), blockDuration: .seconds(30))
        // A thousand guesses arrive before any hash is done: only the first five go ahead.
        let admitted = (0..<1_000).filter { index in limiter.beginAttempt(for: "a", name: "victim\(index)", now: .zero) == nil }.count
        #expect(admitted == 5)
    }

    @Test func trackedAddressesAreBounded() {
        var limiter = LoginRateLimiter(allowedFailures: 1, window: .seconds(60), blockDuration: .seconds(30), maximumTrackedAddresses: 10)
        for index in 0..<100 { limiter.recordFailure(for: "host\(index)", now: .milliseconds(index)) }
        #expect(limiter.retryDelay(for: "host99", now: .seconds(1)) != nil)
        #expect(limiter.retryDelay(for: "host0", now: .seconds(1)) == nil, "the oldest entries were forgotten")
    }

    @Test func frameLimiterAllowsABurstThenTheRate() {
        var limiter = FrameRateLimiter(rate: 10, burst: 5)
        let burst = (0..<8).filter { _ in limiter.allow(now: .zero) }.count
        #expect(burst == 5)
        let refilled = limiter.allow(now: .milliseconds(100))
        let tooSoon = limiter.allow(now: .milliseconds(101))
        #expect(refilled, "one token refills every 100 ms")
        #expect(!tooSoon)
    }
}
