import Foundation
import NetcodeServer

/// What one step of a capacity run measured, over its steady window (every bot in a match).
struct CapacityStepResult: Codable {
    var bots: Int
    var windowSeconds: Double
    var serverCores: Double
    var swarmCores: Double
    var datagramsPerSecond: Double
    var serverMicrosPerDatagram: Double
    var echoFloorMicrosPerDatagram: Double?
    var ratioToFloor: Double?
    var serverReceiveBufferDrops: UInt64
    var allReceiveBufferDrops: UInt64
    var serverRSSBytesPerPlayer: Double?
    var downstreamKbitPerPlayer: Double?
    var snapshotLatencyP50Ms: Double?
    var snapshotLatencyP99Ms: Double?
    var snapshotLatencyMaxMs: Double?
    /// p99 of the snapshots' trip to the bots' sockets (the kernel's receive timestamp): latency without
    /// the swarm's own wait to read them.
    var arrivalLatencyP99Ms: Double?
    var inputAckP99Ms: Double?
    var stallsPerMinute: Double?
    var delivery: Double?
    var serverTicksMissed: Int?
    var generatorLimited: Bool
    var generatorLateFrameRatio: Double?
    var generatorLagP99Ms: Double?
    /// How long snapshots waited in the bots' sockets for the swarm to read them, p99 (the swarm's share
    /// of the latency; the generator is the limit over 2.5 ms).
    var generatorReadWaitP99Ms: Double?
    var loginP99Ms: Double?
    /// The machine over the same window, in cores: idle, busy with neither the server nor the swarm
    /// (other processes, the kernel's own threads; never below 0, as both counters tick at 100 Hz), and
    /// taken by the hypervisor (steal). A busy or stolen machine stretches every latency tail.
    var machineIdleCores: Double?
    var otherCores: Double?
    var stealCores: Double?
    var botsFailed: Int?
    var matchesPlayed: Int?
    var notes: [String]

    enum CodingKeys: String, CodingKey {
        case bots, windowSeconds = "window_s", serverCores = "server_cores", swarmCores = "swarm_cores"
        case datagramsPerSecond = "datagrams_per_s", serverMicrosPerDatagram = "server_us_per_datagram"
        case echoFloorMicrosPerDatagram = "echo_floor_us_per_datagram", ratioToFloor = "ratio_to_floor"
        case serverReceiveBufferDrops = "server_rcvbuf_drops", allReceiveBufferDrops = "all_rcvbuf_drops"
        case serverRSSBytesPerPlayer = "server_rss_bytes_per_player", downstreamKbitPerPlayer = "downstream_kbit_per_player"
        case snapshotLatencyP50Ms = "snapshot_latency_p50_ms", snapshotLatencyP99Ms = "snapshot_latency_p99_ms"
        case snapshotLatencyMaxMs = "snapshot_latency_max_ms", arrivalLatencyP99Ms = "arrival_latency_p99_ms"
        case inputAckP99Ms = "input_ack_p99_ms"
        case stallsPerMinute = "stalls_per_min", delivery, serverTicksMissed = "server_ticks_missed"
        case generatorLimited = "generator_limited", generatorLateFrameRatio = "generator_late_frame_ratio"
        case generatorLagP99Ms = "generator_lag_p99_ms", generatorReadWaitP99Ms = "generator_read_wait_p99_ms"
        case loginP99Ms = "login_p99_ms", botsFailed = "bots_failed"
        case machineIdleCores = "machine_idle_cores", otherCores = "other_cores", stealCores = "steal_cores"
        case matchesPlayed = "matches", notes
    }
}

/// Runs one step: a server process, then a swarm process against it; watches the kernel's figures
/// each second and keeps those of the steady window; then the echo floor at the same datagram rate.
struct CapacityStep {
    var executable: String
    var bots: Int
    var roomSize: Int
    var ramp: Double
    var matchSeconds: Double
    var tickRate: Int
    var shards: Int
    var tcpPort: Int
    var udpPort: Int
    var echoPort: Int
    /// How long the echo floor is driven.
    var floorSeconds: Double = 5
    var folder: URL
    var progress: (String) -> Void

    func run() async throws -> CapacityStepResult {
        let database = self.folder.appendingPathComponent("capacity-\(self.bots).sqlite").path
        // A fresh database each step: accounts left by an earlier run turn the swarm's registrations into
        // failed logins, and the server's login limits then refuse bots.
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) }
        let server = try ChildProcess(self.executable, [
            "server", "--tcp-port", "\(self.tcpPort)", "--udp-port", "\(self.udpPort)", "--db", database,
            "--password-iterations", "1000", "--match-duration", "\(self.matchSeconds)", "--tick-rate", "\(self.tickRate)",
            "--shards", "\(self.shards)", "--max-connections", "\(max(self.bots * 2, 4096))", "--log-level", "warning",
        ], output: self.folder.appendingPathComponent("server-\(self.bots).log"))
        defer { server.terminate() }
        try await Self.waitForListener(port: self.tcpPort, process: server)
        let idleRSS = ProcessFigures.residentBytes(pid: server.pid)
        let report = self.folder.appendingPathComponent("swarm-\(self.bots).json")
        try? FileManager.default.removeItem(at: report)
        let swarm = try ChildProcess(self.executable, [
            "bots", "--tcp-port", "\(self.tcpPort)", "--count", "\(self.bots)", "--ramp", "\(self.ramp)",
            "--room-size", "\(self.roomSize)", "--matches", "1", "--json", report.path, "--shared-udp-socket", "--frame-rate", "30",
        ], output: self.folder.appendingPathComponent("swarm-\(self.bots).log"))
        defer { swarm.terminate() }

        let ports = Set((0..<self.shards).map { self.udpPort + $0 })
        func read() -> Reading {
            Reading(
                wall: ContinuousClock.now,
                serverCPU: ProcessFigures.cpuSeconds(pid: server.pid),
                swarmCPU: ProcessFigures.cpuSeconds(pid: swarm.pid),
                udp: ProcessFigures.udpCounters(),
                serverDrops: SocketDropCounter.drops(ports: ports) ?? 0,
                machine: ProcessFigures.machineCPU()
            )
        }
        // The steady window: from the first second every bot is in a match to the last one.
        var windowStart: Reading?
        var windowEnd: Reading?
        var steadyRSS: UInt64?
        var previous = read()
        let began = ContinuousClock.now
        let limit = Duration.seconds(Double(self.bots) / self.ramp + self.matchSeconds * 3 + 60)
        while swarm.isRunning {
            try await Task.sleep(for: .seconds(1))
            let now = read()
            let inMatch = swarm.lastLine(containing: "in match").flatMap(Self.inMatch) ?? 0
            let seconds = Self.seconds(now.wall - previous.wall)
            let line = String(
                format: "[%5.0fs] %d bots: in match %d  server %@  swarm %@  %.0f datagrams/s  rcvbuf drops %d  machine idle %@%@",
                Self.seconds(now.wall - began), self.bots, inMatch,
                Reading.cores(previous.serverCPU, now.serverCPU, seconds: seconds),
                Reading.cores(previous.swarmCPU, now.swarmCPU, seconds: seconds),
                Double(now.delta("InDatagrams", since: previous)) / seconds, now.delta("RcvbufErrors", since: previous),
                Reading.cores(previous.machine?.idle, now.machine?.idle, seconds: seconds),
                windowStart != nil && windowEnd == nil ? "  (steady)" : ""
            )
            self.progress(line)
            // The window holds readings of both processes only (a process that exited has no CPU figure).
            if inMatch >= self.bots, now.bothRunning {
                if windowStart == nil { windowStart = now } else { windowEnd = now }
                steadyRSS = ProcessFigures.residentBytes(pid: server.pid)
            }
            previous = now
            if ContinuousClock.now - began > limit {
                self.progress("step took longer than \(limit); stopping the swarm")
                swarm.terminate()
            }
        }
        let json = (try? Data(contentsOf: report)).flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] } ?? [:]
        var notes: [String] = []
        if json.isEmpty {
            notes.append("the swarm wrote no report (exit status \(swarm.exitStatus.map(String.init) ?? "unknown")); see swarm-\(self.bots).log")
        }
        guard let start = windowStart, let end = windowEnd else {
            notes.append("no steady window: the bots were never all in a match at once (see swarm-\(self.bots).log)")
            return self.result(window: nil, json: json, idleRSS: idleRSS, steadyRSS: steadyRSS, floor: nil, notes: notes)
        }
        server.terminate()
        // The floor at the server's own rate: half the datagrams in, half echoed out.
        let seconds = Self.seconds(end.wall - start.wall)
        let handled = Double(end.delta("InDatagrams", since: start)) / seconds
        let floor = try await self.echoFloor(rate: handled / 2)
        return self.result(window: (start, end), json: json, idleRSS: idleRSS, steadyRSS: steadyRSS, floor: floor, notes: notes)
    }

    private func echoFloor(rate: Double) async throws -> Double? {
        let seconds = self.floorSeconds
        let echo = try ChildProcess(self.executable, ["bench", "echo-server", "--port", "\(self.echoPort)", "--seconds", "\(seconds + 3)"],
                                    output: self.folder.appendingPathComponent("echo-\(self.bots).log"))
        defer { echo.terminate() }
        try await Task.sleep(for: .milliseconds(300))
        let before = (ProcessFigures.cpuSeconds(pid: echo.pid) ?? 0, ProcessFigures.udpCounters())
        let port = self.echoPort
        let returned = await Task.detached {
            EchoFloor.drive(port: port, rate: rate, size: 64, sockets: 64, seconds: seconds)
        }.value
        let after = (ProcessFigures.cpuSeconds(pid: echo.pid) ?? 0, ProcessFigures.udpCounters())
        let datagrams = Double((after.1["InDatagrams"] ?? 0) &- (before.1["InDatagrams"] ?? 0))
        guard returned > 0, datagrams > 0 else { return nil }
        return (after.0 - before.0) * 1e6 / datagrams
    }

    func result(window: (Reading, Reading)?, json: [String: Any], idleRSS: UInt64?, steadyRSS: UInt64?, floor: Double?, notes: [String]) -> CapacityStepResult {
        var notes = notes
        func value(_ path: [String]) -> Any? {
            var node: Any? = json
            for key in path { node = (node as? [String: Any])?[key] }
            return node
        }
        func number(_ path: String...) -> Double? {
            (value(path) as? NSNumber)?.doubleValue
        }
        // Latency of the steady window alone when the swarm measured one; the whole run otherwise. The
        // swarm's punctuality is judged over the same span as the latency it qualifies.
        let steady = json["steady_window"] != nil
        func latency(_ metric: String, _ field: String) -> Double? {
            steady ? number("steady_window", metric, field) : number(metric, field)
        }
        if !steady, !json.isEmpty { notes.append("latency over the whole run (the swarm saw no steady window)") }
        let generatorPath = steady && (json["steady_window"] as? [String: Any])?["generator"] != nil ? ["steady_window", "generator"] : ["generator"]
        func generatorFigure(_ field: String) -> Any? {
            value(generatorPath + [field])
        }
        /// A count the swarm reports for the steady window and for the whole run: the steady window's
        /// when it measured one (the whole run's if that report lacks the figure).
        func steadyOrWhole(_ steadyField: String, whole wholePath: String...) -> Double? {
            let whole = (value(wholePath) as? NSNumber)?.doubleValue
            return steady ? number("steady_window", steadyField) ?? whole : whole
        }
        let limited = (generatorFigure("limited") as? Bool) ?? false
        if generatorPath.count == 2, (json["generator"] as? [String: Any])?["limited"] as? Bool == true, !limited {
            let lag = number("generator", "frame_lag_p99_ms").map { String(format: "%.1f ms", $0) } ?? "–"
            let wait = number("generator", "read_wait_p99_ms").map { String(format: "%.1f ms", $0) } ?? "–"
            notes.append("the swarm ran late outside the steady window (over the whole run, with the ramp-up's logins: frame lag p99 \(lag), read wait p99 \(wait)), not within it")
        }
        var result = CapacityStepResult(
            bots: self.bots, windowSeconds: 0, serverCores: 0, swarmCores: 0, datagramsPerSecond: 0,
            serverMicrosPerDatagram: 0, echoFloorMicrosPerDatagram: floor, ratioToFloor: nil,
            serverReceiveBufferDrops: 0, allReceiveBufferDrops: 0, serverRSSBytesPerPlayer: nil,
            downstreamKbitPerPlayer: nil,
            snapshotLatencyP50Ms: latency("snapshot_latency_ms", "p50"), snapshotLatencyP99Ms: latency("snapshot_latency_ms", "p99"),
            snapshotLatencyMaxMs: latency("snapshot_latency_ms", "max"), arrivalLatencyP99Ms: latency("arrival_latency_ms", "p99"),
            inputAckP99Ms: latency("input_ack_ms", "p99"),
            stallsPerMinute: steadyOrWhole("stalls_per_minute", whole: "stalls", "per_minute"),
            delivery: number("delivery_ratio"),
            serverTicksMissed: steadyOrWhole("server_ticks_missed", whole: "server_ticks_missed").map { Int($0) },
            generatorLimited: limited, generatorLateFrameRatio: (generatorFigure("late_frame_ratio") as? NSNumber)?.doubleValue,
            generatorLagP99Ms: (generatorFigure("frame_lag_p99_ms") as? NSNumber)?.doubleValue,
            generatorReadWaitP99Ms: (generatorFigure("read_wait_p99_ms") as? NSNumber)?.doubleValue, loginP99Ms: number("login_ms", "p99"),
            botsFailed: number("bots", "failed").map { Int($0) }, matchesPlayed: number("matches").map { Int($0) },
            notes: []
        )
        if let received = number("per_bot", "received_bytes_per_second") {
            // Realtime bytes above UDP, plus 28 bytes of IPv4 and UDP headers per snapshot datagram.
            result.downstreamKbitPerPlayer = (received + 28 * Double(self.tickRate)) * 8 / 1000
        }
        if let (start, end) = window {
            let seconds = Self.seconds(end.wall - start.wall)
            result.windowSeconds = seconds
            let serverCPU = (end.serverCPU ?? 0) - (start.serverCPU ?? 0)
            result.serverCores = serverCPU / seconds
            result.swarmCores = ((end.swarmCPU ?? 0) - (start.swarmCPU ?? 0)) / seconds
            // On loopback every datagram is delivered once, and each one is to or from the server.
            let datagrams = Double(end.delta("InDatagrams", since: start))
            result.datagramsPerSecond = datagrams / seconds
            result.serverMicrosPerDatagram = datagrams > 0 ? serverCPU * 1e6 / datagrams : 0
            result.serverReceiveBufferDrops = end.serverDrops &- start.serverDrops
            result.allReceiveBufferDrops = end.delta("RcvbufErrors", since: start)
            if let floor, floor > 0 { result.ratioToFloor = result.serverMicrosPerDatagram / floor }
            if let before = start.machine, let after = end.machine, seconds > 0 {
                result.machineIdleCores = (after.idle - before.idle) / seconds
                result.stealCores = (after.steal - before.steal) / seconds
                let others = (after.busy - before.busy) / seconds - result.serverCores - result.swarmCores
                result.otherCores = max(others, 0)
                if others > 0.1 {
                    notes.append(String(format: "other work took %.2f cores of the machine in the window (processes besides the server and the swarm, or the kernel's threads): the figures are of a shared machine", others))
                }
                if let steal = result.stealCores, steal > 0.05 {
                    notes.append(String(format: "the hypervisor took %.2f cores from the machine in the window (steal)", steal))
                }
            }
        }
        if let idleRSS, let steadyRSS, steadyRSS > idleRSS {
            result.serverRSSBytesPerPlayer = Double(steadyRSS - idleRSS) / Double(self.bots)
        }
        if steady, let whole = number("stalls", "per_minute"), let window = result.stallsPerMinute, whole > window {
            notes.append(String(format: "stalls over the whole run (the ramp-up and its logins included): %.2f per player-minute", whole))
        }
        if steady, let whole = number("server_ticks_missed").map({ Int($0) }), let window = result.serverTicksMissed, whole > window {
            notes.append("server ticks skipped or merged over the whole run (the ramp-up and its logins included): \(whole)")
        }
        if limited {
            func ms(_ field: String) -> String { ((generatorFigure(field) as? NSNumber)?.doubleValue).map { String(format: "%.1f ms", $0) } ?? "–" }
            notes.append("the load generator was the limit: its loops ran late (frame lag p99 \(ms("frame_lag_p99_ms")), snapshots waited for it p99 \(ms("read_wait_p99_ms"))), so latency includes the swarm's own delay")
        }
        if result.swarmCores > result.serverCores, result.swarmCores > 0.9 {
            notes.append("the swarm used more CPU than the server")
        }
        result.notes = notes
        return result
    }

    static func inMatch(_ line: String) -> Int? {
        guard let range = line.range(of: "in match ") else { return nil }
        return Int(line[range.upperBound...].prefix { $0.isNumber })
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Waits until the server accepts TCP connections on `port` (or exits).
    static func waitForListener(port: Int, process: ChildProcess) async throws {
        for _ in 0..<300 {
            guard process.isRunning else { throw CapacityError("the server exited at start; see its log") }
            if TCPProbe.canConnect(port: port) { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CapacityError("the server did not listen on port \(port) within 30 s")
    }
}

struct CapacityError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
