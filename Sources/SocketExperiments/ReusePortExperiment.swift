#if canImport(Glibc)
import Glibc

/// Two sockets bound to one port with SO_REUSEPORT: the kernel hashes each flow (source address and
/// port) to one of them, so one flow always lands on the same socket and many flows spread out. This is
/// how a server runs one socket per core, or starts a new process next to the old one for a restart
/// that never refuses a connection.
public enum ReusePortExperiment {
    public struct Evidence: Sendable {
        /// The error binding a second UDP socket without SO_REUSEPORT.
        public let secondBindWithout: Int32?
        /// Datagrams each UDP socket received.
        public let udpPerSocket: [Int]
        /// Flows whose datagrams were split between sockets (the hash keeps a flow on one socket).
        public let udpSplitFlows: Int
        /// TCP connections each listener accepted.
        public let tcpPerListener: [Int]
    }

    public static func run(flows: Int = 32, datagramsPerFlow: Int = 4, log: ExperimentLog) throws -> Evidence {
        // UDP.
        let first = try Sock.udp()
        defer { close(first) }
        try Sock.bind(first, port: 0)
        let port = Sock.localPort(first)
        log.step("a UDP socket binds 127.0.0.1:\(port) without SO_REUSEPORT; a second socket tries the same port")
        let probe = try Sock.udp()
        var withoutError: Int32?
        do { try Sock.bind(probe, port: port) } catch let error as SocketCallError {
            withoutError = error.code
            log.evidence("\(error)")
        }
        close(probe)

        var sockets: [Int32] = []
        defer { sockets.forEach { close($0) } }
        for _ in 0..<2 {
            let fd = try Sock.udp()
            sockets.append(fd)
            try Sock.setInt(fd, SOL_SOCKET, SO_REUSEPORT, 1)
        }
        try Sock.bind(sockets[0], port: 0)
        let shared = Sock.localPort(sockets[0])
        try Sock.bind(sockets[1], port: shared)
        log.step("two UDP sockets, both with SO_REUSEPORT, bind 127.0.0.1:\(shared): both binds succeed")
        log.step("\(flows) clients (each its own source port) send \(datagramsPerFlow) datagrams each")
        var clients: [Int32] = []
        defer { clients.forEach { close($0) } }
        for flow in 0..<flows {
            let fd = try Sock.udp()
            clients.append(fd)
            try Sock.connect(fd, port: shared)
            for _ in 0..<datagramsPerFlow {
                var tag = UInt32(flow)
                _ = send(fd, &tag, 4, 0)
            }
        }
        var perSocket = [0, 0]
        var socketsOfFlow = [Set<Int>](repeating: [], count: flows)
        let expected = flows * datagramsPerFlow
        while perSocket.reduce(0, +) < expected {
            var entries = sockets.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            guard poll(&entries, 2, 1000) > 0 else { break }
            for (index, entry) in entries.enumerated() where entry.revents & Int16(POLLIN) != 0 {
                var tag: UInt32 = 0
                if recv(entry.fd, &tag, 4, 0) == 4 {
                    perSocket[index] += 1
                    socketsOfFlow[Int(tag)].insert(index)
                }
            }
        }
        let split = socketsOfFlow.filter { $0.count > 1 }.count
        log.evidence("socket A received \(perSocket[0]), socket B \(perSocket[1]) of \(expected) datagrams")
        log.evidence("flows split between the sockets: \(split) (each flow hashes to one socket)")

        // TCP.
        log.step("two TCP listeners with SO_REUSEPORT on one port; \(flows) clients connect")
        let a = try Sock.listener(backlog: 128, reusePort: true)
        defer { close(a) }
        let tcpPort = Sock.localPort(a)
        let b = try Sock.listener(port: tcpPort, backlog: 128, reusePort: true)
        defer { close(b) }
        var connections: [Int32] = []
        defer { connections.forEach { close($0) } }
        for _ in 0..<flows {
            let fd = try Sock.tcp()
            connections.append(fd)
            // Non-blocking: the handshakes complete into the two accept queues while nobody accepts yet.
            Sock.setNonBlocking(fd)
            try Sock.connect(fd, port: tcpPort)
        }
        var perListener = [0, 0]
        while perListener.reduce(0, +) < flows {
            var entries = [a, b].map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            guard poll(&entries, 2, 1000) > 0 else { break }
            for (index, entry) in entries.enumerated() where entry.revents & Int16(POLLIN) != 0 {
                let fd = accept(entry.fd, nil, nil)
                if fd >= 0 {
                    perListener[index] += 1
                    close(fd)
                }
            }
        }
        log.evidence("listener A accepted \(perListener[0]), listener B \(perListener[1]) of \(flows) connections")
        log.note("the spread follows a hash, not a round robin: uneven splits are normal with few flows")
        return Evidence(secondBindWithout: withoutError, udpPerSocket: perSocket, udpSplitFlows: split, tcpPerListener: perListener)
    }
}
#endif
