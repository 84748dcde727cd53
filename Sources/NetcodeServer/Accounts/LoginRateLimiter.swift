/// Refuses logins from an address that recently failed too often.
///
/// Each address may make `allowedFailures` unsuccessful attempts within `window`; the next attempt is
/// refused until `blockDuration` has passed since the last one. An attempt counts against the address the
/// moment it starts (``beginAttempt(for:name:now:)``), so guesses sent at once cannot all slip past the
/// check while their hashes are still being computed; a success later forgives that one attempt only, never
/// failures on other names. Time is injected (any monotonic `Duration` since an arbitrary origin) so tests
/// drive it by hand.
public struct LoginRateLimiter: Sendable {
    public let allowedFailures: Int
    public let window: Duration
    public let blockDuration: Duration
    /// Addresses tracked at most; the oldest entries are forgotten first, so a spray of addresses costs
    /// bounded memory.
    public let maximumTrackedAddresses: Int

    struct Attempt: Sendable {
        var time: Duration
        var name: String?
    }

    struct Record: Sendable {
        var attempts: [Attempt]
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
        record.attempts.removeAll { now - $0.time > max(self.window, self.blockDuration) }
        self.records[address] = record.attempts.isEmpty ? nil : record
        let recent = record.attempts.filter { now - $0.time <= self.window }
        guard recent.count >= self.allowedFailures, let last = record.attempts.last else { return nil }
        let unblocksAt = last.time + self.blockDuration
        return unblocksAt > now ? unblocksAt - now : nil
    }

    /// Checks and counts a login attempt in one step: nil when it may go ahead (and it now counts as a
    /// failure until ``recordSuccess(for:name:)`` says otherwise), or how long the address must still wait.
    public mutating func beginAttempt(for address: String, name: String, now: Duration) -> Duration? {
        if let wait = self.retryDelay(for: address, now: now) { return wait }
        self.append(Attempt(time: now, name: name), for: address)
        return nil
    }

    /// Counts a failed attempt that was not begun with ``beginAttempt(for:name:now:)``.
    public mutating func recordFailure(for address: String, now: Duration) {
        self.append(Attempt(time: now, name: nil), for: address)
    }

    /// A login on `name` succeeded: forgives the one attempt it counted, and nothing else.
    public mutating func recordSuccess(for address: String, name: String) {
        guard var record = self.records[address], let index = record.attempts.lastIndex(where: { $0.name == name }) else { return }
        record.attempts.remove(at: index)
        self.records[address] = record.attempts.isEmpty ? nil : record
    }

    private mutating func append(_ attempt: Attempt, for address: String) {
        if self.records[address] == nil, self.records.count >= self.maximumTrackedAddresses {
            self.forgetOldest()
        }
        var record = self.records[address] ?? Record(attempts: [])
        record.attempts.append(attempt)
        if record.attempts.count > self.allowedFailures * 2 { record.attempts.removeFirst(record.attempts.count - self.allowedFailures * 2) }
        self.records[address] = record
    }

    private mutating func forgetOldest() {
        guard let oldest = self.records.min(by: { ($0.value.attempts.last?.time ?? .zero) < ($1.value.attempts.last?.time ?? .zero) }) else { return }
        self.records[oldest.key] = nil
    }
}
