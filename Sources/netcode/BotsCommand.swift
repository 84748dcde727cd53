import ArgumentParser
import BotSwarm
import Foundation
import NetcodeClient
import NetcodeProtocol

/// Options of a bot swarm, shared by `bots` and `demo`.
struct SwarmOptions: ParsableArguments {
    @Option(help: "Number of bots.")
    var count: Int = 20

    @Option(help: "Bots started per second.")
    var ramp: Double = 50

    @Option(help: "Stop queueing for new matches after this long (e.g. 90s); matches under way finish. Overrides --matches.")
    var duration: DurationArgument?

    @Option(help: "Matches each bot plays before leaving (when --duration is not given).")
    var matches: Int = 1

    @Option(help: "Players per room (2-16).")
    var roomSize: Int = 4

    @Option(help: "Realtime transport of the rooms the bots create: udp or tcp (default: the server's).")
    var updates: TransportArgument?

    @Option(help: "Seed of the bots' names and behaviours.")
    var seed: UInt64 = 1

    @Option(help: "Bot behaviours, comma-separated: chase, wander, idle.")
    var behaviours: String = "chase,wander"

    @Option(help: "Client frames per second (display staleness is sampled once per frame).")
    var frameRate: Int = 60

    @Option(help: "Interpolation delay of the bots' display (default: two snapshot intervals).")
    var interpolationDelay: DurationArgument?

    @Option(help: "A gap between snapshot arrivals longer than this is a stall.")
    var stallThreshold: DurationArgument = .init(.milliseconds(100))

    @Option(help: "Fail (exit 1) if display staleness p99 is above this, e.g. 150ms.")
    var maxP99Staleness: DurationArgument?

    @Option(help: "Fail if snapshot latency p99 is above this.")
    var maxP99Latency: DurationArgument?

    @Option(help: "Fail if the snapshot delivery ratio is below this (0-1).")
    var minDelivery: Double?

    @Option(help: "Fail if more errors than this occur.")
    var maxErrors: Int?

    @Flag(help: "Share one UDP socket per event loop among the bots (demultiplexed by session id) instead of one socket per bot: a cheaper load generator for capacity runs. Real clients have a socket each.")
    var sharedUdpSocket = false

    @Option(help: "TCP_NODELAY on the bots' lobby connections: off lets Nagle's algorithm hold small frames.")
    var tcpNodelay: OnOff = .on
    @Option(help: "In each match, drop the lobby connection and session every this long (e.g. 20s), log in again and resume; the summary counts reconnections and time to resume.")
    var reconnectEvery: DurationArgument?

    @Option(help: "Write the JSON summary here (keys: docs/REPORT.md).")
    var json: String?

    @Option(help: "Write the CSV summary here.")
    var csv: String?

    func configuration(host: String, tcpPort: Int, localHost: String = "0.0.0.0") throws -> SwarmConfiguration {
        let behaviours = try self.behaviours.split(separator: ",").map { name -> BotBehaviour in
            guard let behaviour = BotBehaviour(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("unknown behaviour '\(name)'; use chase, wander or idle")
            }
            return behaviour
        }
        guard self.count >= 1 else { throw ValidationError("--count must be at least 1") }
        guard (2...16).contains(self.roomSize) else { throw ValidationError("--room-size must be between 2 and 16") }
        if let every = self.reconnectEvery?.duration, every < .seconds(1) {
            throw ValidationError("--reconnect-every must be at least 1s (a bot needs time to log in again)")
        }
        var configuration = SwarmConfiguration(
            host: host,
            tcpPort: tcpPort,
            localHost: localHost,
            count: self.count,
            rampPerSecond: self.ramp,
            duration: self.duration?.duration,
            matches: self.matches,
            roomSize: self.roomSize,
            transport: self.updates?.transport,
            seed: self.seed,
            behaviours: behaviours,
            client: RealtimeClientOptions(
                frameRate: self.frameRate,
                interpolationDelay: self.interpolationDelay?.duration,
                stallThreshold: self.stallThreshold.duration,
                sharedSocket: self.sharedUdpSocket,
                // Large swarms keep 1% resolution per bot (the totals keep 0.1%), and their samples only in
                // each loop's live figures (the same 1%), not in histograms of every bot's own.
                compactHistograms: self.count >= 200,
                sessionDistributions: self.count < 200
            ),
            thresholds: SwarmThresholds(
                maximumP99Staleness: self.maxP99Staleness?.duration,
                maximumP99Latency: self.maxP99Latency?.duration,
                minimumDelivery: self.minDelivery,
                maximumErrors: self.maxErrors
            ),
            reconnectEvery: self.reconnectEvery?.duration
        )
        configuration.tcpNoDelay = self.tcpNodelay.isOn
        return configuration
    }

    /// Runs the swarm with a live line each second on standard error, then prints and writes the summary.
    func run(_ configuration: SwarmConfiguration) async throws -> SwarmReport {
        let report = await SwarmRunner(configuration: configuration).run { progress in
            FileHandle.standardError.write(Data((progress.line + "\n").utf8))
        }
        print(report.text())
        if let path = self.json {
            try report.json().write(to: URL(fileURLWithPath: path))
            print("  JSON summary: \(path)")
        }
        if let path = self.csv {
            try report.csv().write(toFile: path, atomically: true, encoding: .utf8)
            print("  CSV summary: \(path)")
        }
        return report
    }
}

struct BotsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bots",
        abstract: "Run a swarm of bots against a server and report what the players felt.",
        discussion: "Each bot logs in over TCP, joins a room, readies, plays over UDP (or TCP) and measures snapshot latency, display staleness, stalls and bandwidth. Exits 1 when a threshold is missed."
    )

    @Option(help: "Server host.")
    var host: String = "127.0.0.1"

    @Option(help: "Server lobby port.")
    var tcpPort: Int = 7777

    @Option(help: "Address the bots' UDP sockets bind.")
    var localHost: String = "0.0.0.0"

    @OptionGroup var swarm: SwarmOptions

    @OptionGroup(title: "Network impairment (UDP, in process, at each bot)") var impairment: ImpairmentOptions

    func run() async throws {
        var configuration = try self.swarm.configuration(host: self.host, tcpPort: self.tcpPort, localHost: self.localHost)
        if let link = try self.impairment.link() {
            configuration.client.impairment = link
            if configuration.transport == .tcp {
                FileHandle.standardError.write(Data("note: in-process impairment applies to UDP only; over tcp these bots see an unimpaired loopback (use netcode compare for TCP under real loss)\n".utf8))
            }
            FileHandle.standardError.write(Data("impairing each bot's datagrams: up \(link.upstream), down \(link.downstream)\n".utf8))
        }
        let report = try await self.swarm.run(configuration)
        if !report.passed { throw ExitCode(1) }
    }
}
