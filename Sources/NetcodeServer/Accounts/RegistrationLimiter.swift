/// Limits how many accounts one address may create within a window, so a script cannot fill the account
/// table or keep the password-hashing threads busy with registrations.
///
/// A registration counts the moment it starts (like a login attempt), successful or not. Time is injected
/// so tests drive it by hand.
struct RegistrationLimiter: Sendable {
    let allowed: Int
    let window: Duration
    /// Addresses tracked at most; the oldest entries are forgotten first.
    let maximumTrackedAddresses: Int
    private var starts: [String: [Duration]] = [:]

    init(allowed: Int, window: Duration, maximumTrackedAddresses: Int = 10_000) {
        self.allowed = allowed
        self.window = window
        self.maximumTrackedAddresses = maximumTrackedAddresses
    }

    /// nil when `address` may register now (and the registration is counted), or how long it must wait.
    mutating func begin(for address: String, now: Duration) -> Duration? {
        var times = (self.starts[address] ?? []).filter { now - $0 < self.window }
        if times.count >= self.allowed, let oldest = times.first {
            self.starts[address] = times
            return oldest + self.window - now
        }
        if self.starts[address] == nil, self.starts.count >= self.maximumTrackedAddresses,
           let stalest = self.starts.min(by: { ($0.value.last ?? .zero) < ($1.value.last ?? .zero) }) {
            self.starts[stalest.key] = nil
        }
        times.append(now)
        self.starts[address] = times
        return nil
    }
}
