#if canImport(Glibc)
import Glibc

/// What the kernel says about sockets, read from `/proc` of the current network namespace: the
/// `/proc/net/snmp` and `/proc/net/netstat` counters and the `/proc/net/tcp` socket table.
public enum KernelView {
    /// Reads a whole `/proc` file (their size is not known in advance, so read until EOF).
    static func read(_ path: String) -> String {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return "" }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            bytes += chunk[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `Group: names` / `Group: values` line pairs, as in `/proc/net/snmp` and `/proc/net/netstat`.
    static func parseCounters(_ text: String) -> [String: Int] {
        var counters: [String: Int] = [:]
        let lines = text.split(separator: "\n")
        var index = 0
        while index + 1 < lines.count {
            let names = lines[index].split(separator: " ")
            let values = lines[index + 1].split(separator: " ")
            if let group = names.first, group == values.first, names.count == values.count, Int(names.last!) == nil {
                for (name, value) in zip(names.dropFirst(), values.dropFirst()) {
                    counters["\(group.dropLast()).\(name)"] = Int(value)
                }
                index += 2
            } else {
                index += 1
            }
        }
        return counters
    }

    /// All counters, named `Group.Name`: `TcpExt.ListenOverflows`, `Udp.RcvbufErrors`, `Tcp.OutRsts`...
    public static func counters() -> [String: Int] {
        self.parseCounters(self.read("/proc/net/snmp")).merging(self.parseCounters(self.read("/proc/net/netstat"))) { a, _ in a }
    }

    /// One line of `/proc/net/tcp`.
    public struct TCPSocket: Sendable, Equatable {
        public let localPort: Int
        public let remotePort: Int
        public let state: String
        /// For a listener, the accept queue's length; otherwise unread bytes.
        public let receiveQueue: Int
        public let sendQueue: Int
        /// The running timer: 1 retransmit, 2 keepalive, 3 TIME_WAIT, 4 zero window probe.
        public let timer: Int
        /// When the timer fires, in clock ticks (USER_HZ, 100 a second).
        public let timerTicks: Int
    }

    static let stateNames = [
        1: "ESTABLISHED", 2: "SYN_SENT", 3: "SYN_RECV", 4: "FIN_WAIT1", 5: "FIN_WAIT2", 6: "TIME_WAIT",
        7: "CLOSE", 8: "CLOSE_WAIT", 9: "LAST_ACK", 10: "LISTEN", 11: "CLOSING",
    ]

    static func parseTCP(_ text: String) -> [TCPSocket] {
        text.split(separator: "\n").dropFirst().compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count >= 6 else { return nil }
            let local = fields[1].split(separator: ":"), remote = fields[2].split(separator: ":")
            let queues = fields[4].split(separator: ":"), timer = fields[5].split(separator: ":")
            guard local.count == 2, remote.count == 2, queues.count == 2, timer.count == 2,
                let localPort = Int(local[1], radix: 16), let remotePort = Int(remote[1], radix: 16),
                let state = Int(fields[3], radix: 16)
            else { return nil }
            return TCPSocket(
                localPort: localPort, remotePort: remotePort, state: self.stateNames[state] ?? "\(state)",
                receiveQueue: Int(queues[1], radix: 16) ?? 0, sendQueue: Int(queues[0], radix: 16) ?? 0,
                timer: Int(timer[0], radix: 16) ?? 0, timerTicks: Int(timer[1], radix: 16) ?? 0)
        }
    }

    /// IPv4 TCP sockets with `port` at either end.
    public static func tcpSockets(port: Int) -> [TCPSocket] {
        self.parseTCP(self.read("/proc/net/tcp")).filter { $0.localPort == port || $0.remotePort == port }
    }

    /// A `/proc/sys` value as a number.
    static func sysctl(_ path: String) -> Int? {
        Int(self.read(path).split(separator: "\n").first ?? "")
    }

    /// How many threads of this process have a name starting with `prefix` (`/proc/self/task/*/comm`).
    static func threadCount(named prefix: String) -> Int {
        guard let directory = opendir("/proc/self/task") else { return 0 }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            let id = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard Int(id) != nil else { continue }
            if self.read("/proc/self/task/\(id)/comm").hasPrefix(prefix) { count += 1 }
        }
        return count
    }
}

extension KernelView.TCPSocket: CustomStringConvertible {
    public var description: String {
        var text = "\(self.state) \(self.localPort) -> \(self.remotePort)"
        if self.state == "LISTEN" { text += " (accept queue \(self.receiveQueue))" }
        if self.timer == 3 { text += " (TIME_WAIT timer \(Double(self.timerTicks) / 100) s)" }
        return text
    }
}
#endif
