import ArgumentParser
import Foundation

/// `netcode bench capacity`: the server and a swarm as separate processes, step by step, measured from
/// the kernel's side.
struct CapacityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capacity",
        abstract: "Measure how many players the server carries: server and swarm as separate processes, figures from the kernel.",
        discussion: """
        For each step: starts `netcode server`, then `netcode bots` against it, and reads each second the server's and \
        the swarm's CPU (/proc/PID/stat), the datagrams delivered and receive-buffer drops (/proc/net/snmp, and the \
        server's own sockets in /proc/net/udp), and the server's memory. Only the steady window (every bot in a match) \
        counts. Then a minimal recvfrom/sendto echo server is driven at the same datagram rate: the socket floor, \
        measured in the same run. Latency figures come from the swarm's report, which also says when the swarm itself \
        was the bottleneck. Build with -c release for figures worth comparing.
        """
    )

    @Option(help: "Bots per step, comma-separated.")
    var bots: String = "500,1000,2000"

    @Option(help: "Players per room.")
    var roomSize: Int = 10

    @Option(help: "Bots started per second.")
    var ramp: Double = 250

    @Option(help: "Length of each match in seconds (the steady window is what remains after the ramp).")
    var matchDuration: Double = 30

    @Option(help: "Simulation ticks per second.")
    var tickRate: Int = 30

    @Option(help: "Realtime shards of the server (default: one per core).")
    var shards: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Lobby port of the server under test (realtime uses the next ports).")
    var tcpPort: Int = 27777

    @Option(help: "Seconds the echo floor is driven at each step's datagram rate.")
    var floorSeconds: Double = 5

    @Option(help: "Write the results as JSON here.")
    var json: String = "data/capacity.json"

    @Option(help: "Folder for the step's database, logs and swarm reports.")
    var folder: String = "data/capacity"

    func validate() throws {
        let steps = self.steps
        guard !steps.isEmpty, steps.allSatisfy({ $0 >= 2 }) else { throw ValidationError("--bots takes counts of at least 2, e.g. 500,1000,2000") }
        guard (2...16).contains(self.roomSize) else { throw ValidationError("--room-size must be between 2 and 16") }
        guard self.ramp > 0, self.matchDuration >= 5 else { throw ValidationError("--ramp must be positive and --match-duration at least 5 s") }
        guard (1...64).contains(self.shards) else { throw ValidationError("--shards must be between 1 and 64") }
        guard (1...65000).contains(self.tcpPort) else { throw ValidationError("--tcp-port must leave room for the realtime ports") }
    }

    var steps: [Int] { self.bots.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

    func run() async throws {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let folder = URL(fileURLWithPath: self.folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        print("Capacity: steps \(self.steps.map(String.init).joined(separator: ", ")) bots, rooms of \(self.roomSize), \(self.tickRate) Hz, \(self.shards) shard(s), \(ProcessInfo.processInfo.activeProcessorCount) cores; server and swarm as separate processes")
        var results: [CapacityStepResult] = []
        for bots in self.steps {
            let step = CapacityStep(
                executable: executable, bots: bots, roomSize: self.roomSize, ramp: self.ramp, matchSeconds: self.matchDuration,
                tickRate: self.tickRate, shards: self.shards, tcpPort: self.tcpPort, udpPort: self.tcpPort + 1,
                echoPort: self.tcpPort + 1 + self.shards, floorSeconds: min(max(self.floorSeconds, 0.5), 60), folder: folder,
                progress: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
            )
            let result = try await step.run()
            results.append(result)
            print(CapacityTable.row(result))
        }
        print("")
        print(CapacityTable.markdown(results))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(CapacityRun(machineCores: ProcessInfo.processInfo.activeProcessorCount, roomSize: self.roomSize, tickRate: self.tickRate, shards: self.shards, steps: results)).write(to: URL(fileURLWithPath: self.json))
        print("JSON: \(self.json)")
    }
}

struct CapacityRun: Codable {
    var machineCores: Int
    var roomSize: Int
    var tickRate: Int
    var shards: Int
    var steps: [CapacityStepResult]

    enum CodingKeys: String, CodingKey {
        case machineCores = "machine_cores", roomSize = "room_size", tickRate = "tick_rate", shards, steps
    }
}

/// The capacity table, as lines for the terminal and as Markdown for the README.
enum CapacityTable {
    static func row(_ r: CapacityStepResult) -> String {
        func f(_ value: Double?, _ format: String = "%.1f") -> String { value.map { String(format: format, $0) } ?? "–" }
        var line = String(format: "%5d bots: server %.2f cores, swarm %.2f, %.0f datagrams/s, %@ µs/datagram (floor %@, ×%@), rcvbuf drops %d, latency p50/p99/max %@/%@/%@ ms (to the socket p99 %@), input→ack p99 %@ ms, RSS/player %@ KiB, down %@ kbit/s",
                          r.bots, r.serverCores, r.swarmCores, r.datagramsPerSecond, f(r.serverMicrosPerDatagram, "%.2f"),
                          f(r.echoFloorMicrosPerDatagram, "%.2f"), f(r.ratioToFloor, "%.2f"), r.serverReceiveBufferDrops,
                          f(r.snapshotLatencyP50Ms), f(r.snapshotLatencyP99Ms), f(r.snapshotLatencyMaxMs), f(r.arrivalLatencyP99Ms), f(r.inputAckP99Ms),
                          f(r.serverRSSBytesPerPlayer.map { $0 / 1024 }), f(r.downstreamKbitPerPlayer))
        line += ", generator " + CapacityTable.generator(r)
        if r.machineIdleCores != nil {
            line += ", machine idle/others/steal " + CapacityTable.machine(r) + " cores"
        }
        for note in r.notes { line += "\n       note: \(note)" }
        return line
    }

    static func markdown(_ results: [CapacityStepResult]) -> String {
        func f(_ value: Double?, _ format: String = "%.1f") -> String { value.map { String(format: format, $0) } ?? "–" }
        var lines = [
            "| bots | server CPU | swarm CPU | datagrams/s | server µs/datagram | echo floor µs | ratio | rcvbuf drops (server / all) | snapshot latency p50 / p99 / max ms | to the socket p99 ms | input→ack p99 ms | stalls/min | ticks missed | RSS/player KiB | down kbit/s | generator | machine idle / others / steal cores |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r in results {
            lines.append("| \(r.bots) | \(f(r.serverCores, "%.2f")) | \(f(r.swarmCores, "%.2f")) | \(f(r.datagramsPerSecond, "%.0f")) | \(f(r.serverMicrosPerDatagram, "%.2f")) | \(f(r.echoFloorMicrosPerDatagram, "%.2f")) | \(f(r.ratioToFloor, "%.2f")) | \(r.serverReceiveBufferDrops) / \(r.allReceiveBufferDrops) | \(f(r.snapshotLatencyP50Ms)) / \(f(r.snapshotLatencyP99Ms)) / \(f(r.snapshotLatencyMaxMs)) | \(f(r.arrivalLatencyP99Ms)) | \(f(r.inputAckP99Ms)) | \(f(r.stallsPerMinute, "%.2f")) | \(r.serverTicksMissed.map(String.init) ?? "–") | \(f(r.serverRSSBytesPerPlayer.map { $0 / 1024 })) | \(f(r.downstreamKbitPerPlayer)) | \(Self.generator(r)) | \(Self.machine(r)) |")
        }
        return lines.joined(separator: "\n")
    }

    /// The machine's idle, others' and stolen cores over the window.
    static func machine(_ r: CapacityStepResult) -> String {
        func f(_ value: Double?) -> String { value.map { String(format: "%.2f", $0) } ?? "–" }
        return "\(f(r.machineIdleCores)) / \(f(r.otherCores)) / \(f(r.stealCores))"
    }

    /// The swarm's verdict on itself, with its read wait when it measured one.
    static func generator(_ r: CapacityStepResult) -> String {
        (r.generatorLimited ? "LIMITED" : "ok") + (r.generatorReadWaitP99Ms.map { String(format: " (read wait p99 %.1f ms)", $0) } ?? "")
    }
}

/// `netcode bench echo-server`: the socket floor's server (used by `bench capacity`).
struct EchoServerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "echo-server",
        abstract: "A minimal UDP echo (blocking recvfrom/sendto) on 127.0.0.1, for the capacity run's socket floor.",
        shouldDisplay: false
    )

    @Option(help: "UDP port on 127.0.0.1.")
    var port: Int

    @Option(help: "Stop after this many seconds.")
    var seconds: Double = 10

    func run() throws {
        try EchoFloor.serve(port: self.port, seconds: min(max(self.seconds, 1), 600))
    }
}
