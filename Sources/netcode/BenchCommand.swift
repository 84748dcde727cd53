import ArgumentParser
import Foundation
import NetcodeServer

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks: the tick cost without sockets, and capacity with real processes and sockets.",
        subcommands: [BenchTickCommand.self, CapacityCommand.self, EchoServerCommand.self],
        defaultSubcommand: BenchTickCommand.self
    )
}

struct BenchTickCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tick",
        abstract: "Measure the server's tick cost and snapshot bandwidth on the real code path, without sockets.",
        discussion: "Runs every match's tick (inputs authenticated and applied, world stepped, snapshots delta-encoded and sealed) for a range of players per match, and prints tick cost percentiles and bits per second per player. Build with -c release for figures worth comparing."
    )

    @Option(help: "Matches ticked together (one realtime loop).")
    var matches: Int = 100

    @Option(help: "Players per match, comma-separated; one row each.")
    var players: String = "2,5,10,16"

    @Option(help: "Ticks to run per row.")
    var ticks: Int = 900

    @Option(help: "Tick rate.")
    var tickRate: Int = 30

    func run() async throws {
        let counts = self.players.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        print("Tick benchmark: \(self.matches) matches, \(self.ticks) ticks at \(self.tickRate) Hz, \(ProcessInfo.processInfo.activeProcessorCount) cores")
        print("players/  clients  one match's tick µs    all matches' tick µs   µs/player  snapshot kbit/s  input kbit/s")
        print("   match            p50     p99     max      p50     p99     max      (p50)    per player     per player")
        var baseline: Double?
        for count in counts {
            let result = try TickBenchmark(matches: self.matches, playersPerMatch: count, ticks: self.ticks, settings: MatchSettings(tickRate: self.tickRate, durationSeconds: 3600, seed: 1)).run()
            let p50 = Double(result.tickCostMicros.valueAtPercentile(50))
            let perPlayer = p50 / Double(count * self.matches)
            baseline = baseline ?? perPlayer
            let match = result.matchTickCostMicros
            print(String(format: "%8d  %7d  %6.0f  %6.0f  %6.0f   %6.0f  %6.0f  %6.0f   %8.2f  %15.1f  %13.1f",
                         count, count * self.matches,
                         Double(match.valueAtPercentile(50)), Double(match.valueAtPercentile(99)), Double(match.max),
                         p50, Double(result.tickCostMicros.valueAtPercentile(99)), Double(result.tickCostMicros.max),
                         perPlayer, result.snapshotBitsPerSecondPerPlayer / 1000, result.inputBitsPerSecondPerPlayer / 1000))
        }
        if let baseline { print(String(format: "(µs/player of the first row: %.2f; a flat column means cost grows linearly with players)", baseline)) }
    }
}
