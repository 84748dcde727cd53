import Foundation
import NetcodeProtocol

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A server that answered a discovery probe.
public struct DiscoveredServer: Sendable, Hashable {
    /// The address the answer came from: where the server's lobby is.
    public var address: String
    public var answer: DiscoveryAnswer
    /// Bytes of the answer and of the probe that asked, to show the answer never amplifies.
    public var answerBytes: Int
}

/// Finds servers on the LAN the way game LAN browsers do: sends ``DiscoveryProbe``s to the discovery
/// multicast group from one interface and collects the answers that come back to this socket.
///
/// Plain BSD sockets on a thread of its own (the probe is a few datagrams and a wait; the concurrency pool
/// is not blocked for it).
public enum LANDiscovery {
    public struct Options: Sendable {
        public var group: String
        public var port: Int
        /// The interface's IPv4 address the probe leaves from (IP_MULTICAST_IF) and answers come to.
        public var interfaceAddress: String
        /// Probes sent, `spacing` apart: one lost datagram must not hide a server.
        public var probes: Int
        public var spacing: Duration
        /// How long to listen after the last probe.
        public var wait: Duration
        /// Stop as soon as this many servers answered (a client looking for one), or `nil` to wait it out.
        public var stopAfter: Int?

        public init(group: String = "239.255.77.77", port: Int = 7779, interfaceAddress: String = "127.0.0.1", probes: Int = 3, spacing: Duration = .milliseconds(100), wait: Duration = .seconds(1), stopAfter: Int? = nil) {
            self.group = group
            self.port = port
            self.interfaceAddress = interfaceAddress
            self.probes = probes
            self.spacing = spacing
            self.wait = wait
            self.stopAfter = stopAfter
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Probes and returns every distinct server that answered, in the order they first did.
    public static func discover(_ options: Options) async throws -> [DiscoveredServer] {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try self.discoverBlocking(options) })
            }
            thread.name = "lan-discovery"
            thread.start()
        }
    }

    static func discoverBlocking(_ options: Options) throws -> [DiscoveredServer] {
        var group = in_addr()
        var interface = in_addr()
        guard inet_pton(AF_INET, options.group, &group) == 1, (ntohl(group.s_addr) >> 28) == 0xE else {
            throw Failure(description: "\(options.group) is not an IPv4 multicast address (224.0.0.0/4)")
        }
        guard inet_pton(AF_INET, options.interfaceAddress, &interface) == 1 else {
            throw Failure(description: "\(options.interfaceAddress) is not an IPv4 address")
        }
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_DGRAM, 0)
        #endif
        guard fd >= 0 else { throw Failure(description: "socket(): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        // Leave from the chosen interface, one hop only, and hear servers on this host too.
        try self.set(fd, Int32(IPPROTO_IP), IP_MULTICAST_IF, &interface, "IP_MULTICAST_IF")
        var ttl: UInt8 = 1
        try self.set(fd, Int32(IPPROTO_IP), IP_MULTICAST_TTL, &ttl, "IP_MULTICAST_TTL")
        var loop: UInt8 = 1
        try self.set(fd, Int32(IPPROTO_IP), IP_MULTICAST_LOOP, &loop, "IP_MULTICAST_LOOP")
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        local.sin_addr = interface
        guard withUnsafePointer(to: &local, { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }) == 0 else {
            throw Failure(description: "bind(\(options.interfaceAddress)): \(String(cString: strerror(errno)))")
        }
        var destination = sockaddr_in()
        destination.sin_family = sa_family_t(AF_INET)
        destination.sin_addr = group
        destination.sin_port = in_port_t(UInt16(options.port).bigEndian)

        let nonce = UInt64.random(in: 1...UInt64.max)
        let probe = DiscoveryProbe(nonce: nonce).encoded()
        var found: [DiscoveredServer] = []
        var seen = Set<String>()
        let clock = ContinuousClock()
        for index in 0..<max(1, options.probes) {
            let sent = probe.withUnsafeBytes { bytes in
                withUnsafePointer(to: &destination) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, bytes.baseAddress, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            }
            guard sent == probe.count else {
                throw Failure(description: "sendto(\(options.group):\(options.port)): \(String(cString: strerror(errno)))")
            }
            let listen = index == max(1, options.probes) - 1 ? options.wait : options.spacing
            let until = clock.now + listen
            while true {
                let remaining = until - clock.now
                guard remaining > .zero else { break }
                let milliseconds = Int32(remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000)
                var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&entry, 1, max(1, milliseconds)) > 0 else { continue }
                var buffer = [UInt8](repeating: 0, count: 2048)
                var source = sockaddr_in()
                var length = socklen_t(MemoryLayout<sockaddr_in>.size)
                let count = buffer.withUnsafeMutableBytes { bytes in
                    withUnsafeMutablePointer(to: &source) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(fd, bytes.baseAddress, bytes.count, 0, $0, &length) } }
                }
                guard count > 0, let answer = try? DiscoveryAnswer(decoding: buffer[0..<count]), answer.nonce == nonce else { continue }
                var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
                inet_ntop(AF_INET, &source.sin_addr, &text, socklen_t(INET_ADDRSTRLEN))
                let address = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if seen.insert("\(address):\(answer.tcpPort)").inserted {
                    found.append(DiscoveredServer(address: address, answer: answer, answerBytes: count))
                    if let enough = options.stopAfter, found.count >= enough { return found }
                }
            }
        }
        return found
    }

    private static func set<Value: BitwiseCopyable>(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: inout Value, _ label: String) throws {
        let result = withUnsafeBytes(of: &value) { setsockopt(fd, level, name, $0.baseAddress, socklen_t($0.count)) }
        guard result == 0 else {
            throw Failure(description: "setsockopt(\(label)): \(String(cString: strerror(errno)))")
        }
    }
}
