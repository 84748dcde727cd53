import Logging
import NetcodeStore

/// Writes match results to the database away from the tick loop, and lets shutdown wait for the writes
/// still in flight.
actor ResultRecorder {
    private let database: NetcodeDatabase
    private let logger: Logger
    private var inFlight = 0
    private var drained: [CheckedContinuation<Void, Never>] = []
    private let metrics: ServerMetrics?

    init(database: NetcodeDatabase, logger: Logger, metrics: ServerMetrics? = nil) {
        self.database = database
        self.logger = logger
        self.metrics = metrics
    }

    /// How long a result keeps being retried before it is given up (a locked or full database may
    /// recover: an operator frees space, a backup releases its lock).
    static let retryWindow = Duration.seconds(30)

    /// Stores one match, retrying with backoff (0.1 s doubling to 5 s) for up to ``retryWindow``.
    /// Returns whether it is stored; the lobby announces standings only for a stored result.
    func record(_ match: MatchRecord) async -> Bool {
        self.inFlight += 1
        defer {
            self.inFlight -= 1
            if self.inFlight == 0 {
                for waiter in self.drained { waiter.resume() }
                self.drained.removeAll()
            }
        }
        let clock = ContinuousClock()
        let giveUpAt = clock.now + Self.retryWindow
        var delay = Duration.milliseconds(100)
        var attempt = 0
        while true {
            attempt += 1
            do {
                let began = clock.now
                try await self.database.recordMatch(match)
                self.metrics?.resultWriteLatency.record(duration: clock.now - began)
                self.metrics?.resultWritesStored.increment()
                self.logger.info("match result stored", metadata: ["match": "\(match.id)", "players": "\(match.players.count)", "attempts": "\(attempt)"])
                return true
            } catch {
                guard clock.now + delay < giveUpAt else {
                    self.metrics?.resultWritesFailed.increment()
                    self.logger.error("a match result could not be stored and is given up; players get no standings", metadata: [
                        "match": "\(match.id)", "attempts": "\(attempt)", "error": "\(error)",
                    ])
                    return false
                }
                self.logger.warning("storing a match result failed; retrying", metadata: ["match": "\(match.id)", "attempt": "\(attempt)", "error": "\(error)"])
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
    }

    /// Returns once no write is in flight.
    func drain() async {
        guard self.inFlight > 0 else { return }
        await withCheckedContinuation { self.drained.append($0) }
    }
}
