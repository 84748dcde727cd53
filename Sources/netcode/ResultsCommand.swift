import ArgumentParser
import Foundation
import NetcodeStore

struct ResultsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "results",
        abstract: "List recent matches and the leaderboard from the database."
    )

    @OptionGroup var database: DatabaseOptions

    @Option(help: "How many recent matches to list.")
    var limit: Int = 10

    @Option(help: "How many players the leaderboard shows.")
    var top: Int = 10

    func run() async throws {
        // Reading never creates a database: a mistyped --db says so instead of showing an empty one.
        let database = try NetcodeDatabase.openFile(path: self.database.databasePath, createIfMissing: false)
        try await Self.printResults(database: database, limit: self.limit, top: self.top)
    }

    static func printResults(database: NetcodeDatabase, limit: Int, top: Int) async throws {
        let matches = try await database.recentMatches(limit: limit)
        print("Recent matches (\(matches.count))")
        if matches.isEmpty { print("  none yet: run `netcode demo` or play a match") }
        for match in matches {
            let seconds = match.endedAt.timeIntervalSince(match.startedAt)
            print(String(format: "  #%-5lld %@  room %@  %@  %d Hz  %.0f s  network %@", match.id, Self.format(match.startedAt), match.roomName, "\(match.transport)", match.tickRate, seconds, match.networkProfile))
            for player in match.players.sorted(by: { $0.rank < $1.rank }) {
                print(String(format: "      %2d. %-24@ score %4d  inputs %6d  snapshots %6d  loss up %5.1f%%  down %5.1f%%  rtt %6.1f ms%@",
                             player.rank, player.name, player.score, player.inputsReceived, player.snapshotsSent,
                             player.lossUp * 100, player.lossDown * 100, player.rttMs,
                             player.connectedAtEnd ? "" : "  (left)"))
            }
        }
        let leaders = try await database.leaderboard(limit: top)
        print("")
        print("Leaderboard")
        if leaders.isEmpty { print("  empty") }
        for (index, entry) in leaders.enumerated() {
            print(String(format: "  %2d. %-24@ wins %4d  matches %4d  total %6d  best %5d", index + 1, entry.name, entry.wins, entry.matchesPlayed, entry.totalScore, entry.bestScore))
        }
    }

    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
