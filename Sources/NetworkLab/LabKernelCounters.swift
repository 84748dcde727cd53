/// The kernel's own counters inside one namespace: `/proc/net/snmp`, `/proc/net/netstat` and
/// `/proc/net/dev` as the namespace sees them.
///
/// They count what the emulator cannot see: TCP retransmissions and timeouts (`Tcp.RetransSegs`,
/// `TcpExt.TCPTimeouts`), UDP datagrams dropped for a full receive buffer (`Udp.RcvbufErrors`), and
/// packets the kernel dropped at the TUN device's queue.
public struct LabKernelCounters: Sendable, Hashable {
    /// Group (`Tcp`, `Udp`, `TcpExt`, ...) → counter name → value.
    public var groups: [String: [String: Int]]
    /// Interface name (`lo`, `lab0`) → its packet counters.
    public var interfaces: [String: LabInterfaceCounters]

    public init(groups: [String: [String: Int]] = [:], interfaces: [String: LabInterfaceCounters] = [:]) {
        self.groups = groups
        self.interfaces = interfaces
    }

    /// One counter, such as `value("Tcp", "RetransSegs")`.
    public func value(_ group: String, _ name: String) -> Int? {
        self.groups[group]?[name]
    }

    /// TCP segments sent again (`Tcp.RetransSegs`).
    public var tcpRetransmittedSegments: Int? {
        self.value("Tcp", "RetransSegs")
    }

    /// Retransmission timer expiries (`TcpExt.TCPTimeouts`): the costly kind of recovery.
    public var tcpTimeouts: Int? {
        self.value("TcpExt", "TCPTimeouts")
    }

    /// TCP segments sent (`Tcp.OutSegs`).
    public var tcpSegmentsSent: Int? {
        self.value("Tcp", "OutSegs")
    }

    /// UDP datagrams dropped because a socket's receive buffer was full (`Udp.RcvbufErrors`).
    public var udpReceiveBufferErrors: Int? {
        self.value("Udp", "RcvbufErrors")
    }

    /// The difference `self - earlier`, counter by counter, for measuring one run.
    public func subtracting(_ earlier: LabKernelCounters) -> LabKernelCounters {
        var result = self
        for (group, values) in self.groups {
            for (name, value) in values {
                result.groups[group]?[name] = value - (earlier.groups[group]?[name] ?? 0)
            }
        }
        for (name, counters) in self.interfaces {
            if let before = earlier.interfaces[name] {
                result.interfaces[name] = counters.subtracting(before)
            }
        }
        return result
    }
}

/// Packet counters of one network interface, from `/proc/net/dev`.
public struct LabInterfaceCounters: Sendable, Hashable {
    public var receivedBytes = 0
    public var receivedPackets = 0
    public var receiveErrors = 0
    public var receiveDrops = 0
    public var sentBytes = 0
    public var sentPackets = 0
    public var sendErrors = 0
    /// For a TUN device: packets the kernel dropped because the reader (the emulator) lagged behind.
    public var sendDrops = 0

    public init() {}

    func subtracting(_ earlier: LabInterfaceCounters) -> LabInterfaceCounters {
        var result = LabInterfaceCounters()
        result.receivedBytes = self.receivedBytes - earlier.receivedBytes
        result.receivedPackets = self.receivedPackets - earlier.receivedPackets
        result.receiveErrors = self.receiveErrors - earlier.receiveErrors
        result.receiveDrops = self.receiveDrops - earlier.receiveDrops
        result.sentBytes = self.sentBytes - earlier.sentBytes
        result.sentPackets = self.sentPackets - earlier.sentPackets
        result.sendErrors = self.sendErrors - earlier.sendErrors
        result.sendDrops = self.sendDrops - earlier.sendDrops
        return result
    }
}

/// Readers of the `/proc/net` text formats.
enum KernelCounterText {
    /// `/proc/net/snmp` and `/proc/net/netstat`: pairs of lines, names then values, both starting with
    /// `Group:`. Lines that do not pair up are skipped.
    static func parseGroups(_ text: String) -> [String: [String: Int]] {
        var groups: [String: [String: Int]] = [:]
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        var index = 0
        while index + 1 < lines.count {
            let names = lines[index].split(separator: " ", omittingEmptySubsequences: true)
            let values = lines[index + 1].split(separator: " ", omittingEmptySubsequences: true)
            guard let group = names.first, group.hasSuffix(":"), values.first == group, names.count == values.count,
                names.dropFirst().allSatisfy({ Int($0) == nil })
            else {
                index += 1
                continue
            }
            var counters: [String: Int] = [:]
            for (name, value) in zip(names.dropFirst(), values.dropFirst()) {
                if let number = Int(value) { counters[String(name)] = number }
            }
            groups[String(group.dropLast()), default: [:]].merge(counters) { _, new in new }
            index += 2
        }
        return groups
    }

    /// `/proc/net/dev`: two header lines, then `name: 16 numbers` per interface.
    static func parseInterfaces(_ text: String) -> [String: LabInterfaceCounters] {
        var interfaces: [String: LabInterfaceCounters] = [:]
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: " ")
            let numbers = line[line.index(after: colon)...].split(separator: " ").compactMap { Int($0) }
            guard !name.isEmpty, numbers.count >= 16 else { continue }
            var counters = LabInterfaceCounters()
            counters.receivedBytes = numbers[0]
            counters.receivedPackets = numbers[1]
            counters.receiveErrors = numbers[2]
            counters.receiveDrops = numbers[3]
            counters.sentBytes = numbers[8]
            counters.sentPackets = numbers[9]
            counters.sendErrors = numbers[10]
            counters.sendDrops = numbers[11]
            interfaces[name] = counters
        }
        return interfaces
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in characters: Character) -> String {
        var slice = self[...]
        while slice.first == characters { slice = slice.dropFirst() }
        while slice.last == characters { slice = slice.dropLast() }
        return String(slice)
    }
}
