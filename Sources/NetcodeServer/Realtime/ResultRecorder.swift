import Logging
import NetcodeStore

/// Writes match results to the database away from the tick loop, and lets shutdown wait for the writes
/// still in flight.
actor ResultRecorder {
    private let database: NetcodeDatabase
    private let logger: Logger
    private var inFlight = 0
    private var drained: [CheckedContinuation<Void, Never>] = []

    init(database: NetcodeDatabase, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// Stores one match; retries a few times on failure. Returns whether it is stored.
    func record(_ match: MatchRecord) async -> Bool {
        self.inFlight += 1
        defer {
            self.inFlight -= 1
            if self.inFlight == 0 {
                for waiter in self.drained { waiter.resume() }
                self.drained.removeAll()
            }
        }
        for attempt in 1...3 {
            do {
                try await self.database.recordMatch(match)
                self.logger.info("match result stored", metadata: ["match": "\(match.id)", "players": "\(match.players.count)"])
                return true
            } catch {
                self.logger.error("storing a match result failed", metadata: ["match": "\(match.id)", "attempt": "\(attempt)", "error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(100 * attempt))
            }
        }
        return false
    }

    /// Returns once no write is in flight.
    func drain() async {
        guard self.inFlight > 0 else { return }
        await withCheckedContinuation { self.drained.append($0) }
    }
}
