/// A token bucket over frames: `rate` frames a second on average, `burst` at once. Time is injected.
struct FrameRateLimiter: Sendable {
    let rate: Double
    let burst: Double
    private var tokens: Double
    private var last: Duration?

    init(rate: Int, burst: Int) {
        self.rate = Double(rate)
        self.burst = Double(max(burst, 1))
        self.tokens = Double(max(burst, 1))
    }

    /// Takes one token; false when the bucket is empty (the sender is flooding).
    mutating func allow(now: Duration) -> Bool {
        if let last {
            let elapsed = Double((now - last).components.seconds) + Double((now - last).components.attoseconds) * 1e-18
            self.tokens = min(self.burst, self.tokens + elapsed * self.rate)
        }
        self.last = now
        guard self.tokens >= 1 else { return false }
        self.tokens -= 1
        return true
    }
}
