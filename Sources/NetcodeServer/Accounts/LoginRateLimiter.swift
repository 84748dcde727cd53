/// Refuses logins from an address that recently failed too often.
///
/// Each address may fail `allowedFailures` times within `window`; the next attempt is refused until
/// `blockDuration` has passed since the last failure. Time is injected (any monotonic `Duration` since an
/// arbitrary origin) so tests drive it by hand.
public struct LoginRateLimiter: Sendable {
    public let allowedFailures: Int
    public let window: Duration
    public let blockDuration: Duration
    /// Addresses tracked at most; the oldest entries are forgotten first, so a spray of addresses costs
    /// bounded memory.
    public let maximumTrackedAddresses: Int

    struct Record: Sendable {
        var failures: [Duration]
    }

    private var records: [String: Record] = [:]

    public init(allowedFailures: Int = 5, window: Duration = .seconds(60), blockDuration: Duration = .seconds(30), maximumTrackedAddresses: Int = 10_000) {
        self.allowedFailures = allowedFailures
        self.window = window
        self.blockDuration = blockDuration
        self.maximumTrackedAddresses = maximumTrackedAddresses
    }

    /// How long `address` must still wait, or nil if it may try now.
    public mutating func retryDelay(for address: String, now: Duration) -> Duration? {
        guard var record = self.records[address] else { return nil }
        record.failures.removeAll { now - $0 > max(self.window, self.blockDuration) }
        self.records[address] = record.failures.isEmpty ? nil : record
        let recent = record.failures.filter { now - $0 <= self.window }
        guard recent.count >= self.allowedFailures, let last = record.failures.last else { return nil }
        let unblocksAt = last + self.blockDuration
        return unblocksAt > now ? unblocksAt - now : nil
    }

    public mutating func recordFailure(for address: String, now: Duration) {
        if self.records[address] == nil, self.records.count >= self.maximumTrackedAddresses {
            self.forgetOldest()
        }
        var record = self.records[address] ?? Record(failures: [])
        record.failures.append(now)
        if record.failures.count > self.allowedFailures * 2 { record.failures.removeFirst(record.failures.count - self.allowedFailures * 2) }
        self.records[address] = record
    }

    public mutating func recordSuccess(for address: String) {
        self.records[address] = nil
    }

    private mutating func forgetOldest() {
        guard let oldest = self.records.min(by: { ($0.value.failures.last ?? .zero) < ($1.value.failures.last ?? .zero) }) else { return }
        self.records[oldest.key] = nil
    }
}
