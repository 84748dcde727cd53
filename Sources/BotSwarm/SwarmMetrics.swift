import Histogram
import NIOConcurrencyHelpers
import NetcodeClient

/// What the whole swarm gathered: finished matches' experiences, login latency, errors by kind, and the
/// gauges the live line shows.
final class SwarmMetrics: Sendable {
    struct Totals: Sendable {
        var experience = PlayerExperience()
        var login = PlayerExperience.histogram()
        var errors: [String: Int] = [:]
        /// Matches finished, counted once per bot that played them.
        var playerMatches = 0
        /// Distinct matches the swarm took part in.
        var matchIDs: Set<UInt64> = []
        var botsConnected = 0
        var botsFailed = 0
        var botsInMatch = 0
        var botsEverConnected = 0
        /// Drops and logins again during a match (`--reconnect-every`): resumed, failed, and the time
        /// from the drop to the first snapshot of the resumed session, in microseconds.
        var reconnections = 0
        var reconnectFailures = 0
        var resume = PlayerExperience.histogram()
    }

    private let totals = NIOLockedValueBox(Totals())
    let live = LiveTraffic()

    func loggedIn(after micros: UInt64) {
        self.totals.withLockedValue {
            _ = $0.login.record(micros)
            $0.botsConnected += 1
            $0.botsEverConnected += 1
        }
    }

    func disconnected() {
        self.totals.withLockedValue { $0.botsConnected -= 1 }
    }

    func failed(_ kind: String) {
        self.totals.withLockedValue {
            $0.errors[kind, default: 0] += 1
            $0.botsFailed += 1
        }
    }

    func error(_ kind: String) {
        self.totals.withLockedValue { $0.errors[kind, default: 0] += 1 }
    }

    func matchStarted() {
        self.totals.withLockedValue { $0.botsInMatch += 1 }
    }

    func matchFinished(_ matchID: UInt64, experience: PlayerExperience?) {
        self.totals.withLockedValue {
            $0.botsInMatch -= 1
            $0.matchIDs.insert(matchID)
            if let experience {
                if experience.sendErrors > 0 { $0.errors["realtime send failed", default: 0] += experience.sendErrors }
                $0.experience.merge(experience)
                $0.playerMatches += 1
            }
        }
    }

    /// A session the bot dropped on purpose: what it experienced counts, the match goes on.
    func sessionDropped(experience: PlayerExperience) {
        self.totals.withLockedValue { $0.experience.merge(experience) }
    }

    func reconnected(afterMicros micros: UInt64) {
        self.totals.withLockedValue {
            $0.reconnections += 1
            _ = $0.resume.record(micros)
        }
    }

    func reconnectFailed(_ kind: String) {
        self.totals.withLockedValue {
            $0.reconnectFailures += 1
            $0.errors["reconnect: \(kind)", default: 0] += 1
        }
    }

    func snapshot() -> Totals {
        self.totals.withLockedValue { $0 }
    }
}
