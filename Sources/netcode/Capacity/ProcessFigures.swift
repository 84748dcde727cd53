import Foundation

/// Figures the kernel keeps about a process and about UDP, read from /proc: the evidence a capacity
/// run stands on (no figure here comes from the programs being measured).
enum ProcessFigures {
    /// Clock ticks per second of /proc/PID/stat's CPU times.
    static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// User + system CPU time of a process so far, in seconds (fields 14 and 15 of /proc/PID/stat).
    static func cpuSeconds(pid: Int32) -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")")
        else { return nil }
        // Fields after the command name (which may hold spaces) start at field 3.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / self.ticksPerSecond
    }

    /// Resident set size of a process, in bytes (VmRSS of /proc/PID/status).
    static func residentBytes(pid: Int32) -> UInt64? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if parts.count >= 2, let kib = UInt64(parts[1]) { return kib * 1024 }
        }
        return nil
    }

    /// Threads of a process (Threads of /proc/PID/status).
    static func threads(pid: Int32) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("Threads:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).last ?? "")
        }
        return nil
    }

    /// The kernel's UDP counters (the `Udp:` lines of /proc/net/snmp), by name.
    static func udpCounters() -> [String: UInt64] {
        guard let text = try? String(contentsOfFile: "/proc/net/snmp", encoding: .utf8) else { return [:] }
        let lines = text.split(separator: "\n").filter { $0.hasPrefix("Udp:") }
        guard lines.count >= 2 else { return [:] }
        let names = lines[0].split(separator: " ").dropFirst()
        let values = lines[1].split(separator: " ").dropFirst()
        var counters: [String: UInt64] = [:]
        for (name, value) in zip(names, values) { counters[String(name)] = UInt64(value) }
        return counters
    }

    /// The whole machine's CPU times so far (the first line of /proc/stat).
    static func machineCPU() -> MachineCPU? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return nil }
        return MachineCPU(procStat: text)
    }
}

/// The machine's CPU times so far, in seconds summed over its cores (the `cpu` line of /proc/stat): what
/// a window's server and swarm figures leave for everything else, and what the hypervisor took.
struct MachineCPU: Equatable {
    /// User, nice, system, irq and softirq time: every core's busy time, whoever it served.
    var busy: Double
    /// Idle and iowait.
    var idle: Double
    /// Time the hypervisor ran something else while this machine had work to run.
    var steal: Double

    /// Reads the aggregate `cpu` line: user nice system idle iowait irq softirq steal, in clock ticks.
    init?(procStat text: String, ticksPerSecond: Double = ProcessFigures.ticksPerSecond) {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") }) else { return nil }
        let ticks = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().map { Double($0) }
        guard ticks.count >= 8, ticks.prefix(8).allSatisfy({ $0 != nil }), ticksPerSecond > 0 else { return nil }
        let t = ticks.prefix(8).map { $0! / ticksPerSecond }
        self.busy = t[0] + t[1] + t[2] + t[5] + t[6]
        self.idle = t[3] + t[4]
        self.steal = t[7]
    }

    init(busy: Double, idle: Double, steal: Double) {
        self.busy = busy
        self.idle = idle
        self.steal = steal
    }
}

/// One reading of everything a capacity step compares between the start and the end of its window.
struct Reading {
    var wall: ContinuousClock.Instant
    /// CPU seconds so far; `nil` once the process has exited (its /proc entry is gone).
    var serverCPU: Double?
    var swarmCPU: Double?
    var udp: [String: UInt64]
    var serverDrops: UInt64
    var machine: MachineCPU? = nil

    /// Both processes were running when the reading was taken.
    var bothRunning: Bool { self.serverCPU != nil && self.swarmCPU != nil }

    /// Cores a process used between two readings, as text; "exited" when either reading missed it.
    static func cores(_ earlier: Double?, _ later: Double?, seconds: Double) -> String {
        guard let earlier, let later, seconds > 0 else { return "exited" }
        return String(format: "%.2f cores", (later - earlier) / seconds)
    }

    func delta(_ name: String, since earlier: Reading) -> UInt64 {
        (self.udp[name] ?? 0) &- (earlier.udp[name] ?? 0)
    }
}
