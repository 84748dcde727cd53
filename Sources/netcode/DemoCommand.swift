import ArgumentParser
import BotSwarm
import Comparison
import Foundation
import Logging
import NetcodeServer
import NetcodeStore

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "A server and a bot swarm playing together, then a short TCP-vs-UDP comparison; prints what the players felt (about a minute).",
        discussion: "The server runs in this process on free loopback ports; results go to the database (default data/netcode.sqlite). The comparison runs in the network lab where it can be built (Linux, root or user namespaces), in portable mode otherwise, and writes its chart and report to data/compare/."
    )

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Bots in the swarm.")
    var count: Int = 24

    @Option(help: "Players per room.")
    var roomSize: Int = 4

    @Option(help: "Length of each match in seconds.")
    var matchDuration: Double = 20

    @Option(help: "Matches each bot plays.")
    var matches: Int = 1

    @Option(help: "Seconds per point of the closing comparison (0 skips it).")
    var compareDuration: Double = 6

    @Option(help: "Realtime transport: udp or tcp.")
    var updates: TransportArgument = .init(.udp)

    @Option(help: "Seed of the matches and the bots.")
    var seed: UInt64 = 1

    @Option(help: "Log level of the server.")
    var logLevel: Logger.Level = .warning

    /// Writes a line to standard output unbuffered, so it appears before the live lines on standard error.
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    func run() async throws {
        var logger = Logger(label: "netcode.demo")
        logger.logLevel = self.logLevel
        let database = try NetcodeDatabase.openFile(path: self.database.databasePath)
        let server = try GameServer(
            configuration: ServerConfiguration(
                tcpPort: 0,
                udpPort: 0,
                databasePath: self.database.databasePath,
                passwordIterations: 10_000,
                defaultTransport: self.updates.transport,
                match: MatchSettings(durationSeconds: self.matchDuration, seed: self.seed)
            ),
            database: database,
            logger: logger
        )
        let port = try await server.bind()
        Self.say("netcode demo: server on 127.0.0.1:\(port) (udp \(server.udpPort ?? 0)), \(self.count) bots in rooms of \(self.roomSize), \(self.matches) match(es) of \(Int(self.matchDuration)) s over \(self.updates.transport)")
        // The server stops (and its results are written) before the results are read, also when the swarm fails.
        let report = try await server.whileRunning {
            let swarm = try SwarmOptions.parse([
                "--count", "\(self.count)", "--room-size", "\(self.roomSize)", "--matches", "\(self.matches)",
                "--seed", "\(self.seed)", "--updates", "\(self.updates.transport)",
            ])
            let configuration = try swarm.configuration(host: "127.0.0.1", tcpPort: port, localHost: "127.0.0.1")
            return try await swarm.run(configuration)
        }
        print("")
        try await ResultsCommand.printResults(database: database, limit: 3, top: 5)

        if self.compareDuration > 0 {
            print("")
            Self.say("netcode demo: the same traffic over UDP and over TCP through a 20 ms link at 0% and 5% loss (\(Int(self.compareDuration)) s each)")
            let parameters = ComparisonParameters(losses: [0, 0.05], bots: 4, secondsPerPoint: self.compareDuration, seed: self.seed)
            let result = try await CompareCommand.runAndStore(parameters, forcePortable: false, archive: ComparisonArchive(database: database))
            try CompareCommand.emit(result, output: "data/compare")
            print("the full sweep: swift run -c release netcode compare")
        }
        if !report.passed { throw ExitCode(1) }
    }
}
