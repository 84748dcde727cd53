#if canImport(Glibc)
import Glibc

/// A listener that does not accept: the kernel completes handshakes into the accept queue until it
/// holds backlog + 1, then drops new SYNs (ListenOverflows, ListenDrops) and the clients wait in
/// SYN_SENT, retrying. Accepting drains the queue and the retried SYNs get in.
public enum BacklogExperiment {
    public struct Evidence: Sendable {
        public let backlog: Int32
        public let clients: Int
        /// The listener's accept queue while nobody accepts (from /proc/net/tcp).
        public let acceptQueue: Int
        /// Client sockets still in SYN_SENT while the queue is full.
        public let waitingInSynSent: Int
        public let listenOverflows: Int
        public let listenDrops: Int
        /// Connections accepted once the listener starts accepting.
        public let accepted: Int
    }

    public static func run(backlog: Int32 = 2, clients: Int = 8, log: ExperimentLog) throws -> Evidence {
        let listener = try Sock.listener(backlog: backlog)
        defer { close(listener) }
        let port = Sock.localPort(listener)
        log.step("listen(fd, backlog: \(backlog)) on 127.0.0.1:\(port), and never call accept() yet")
        let before = KernelView.counters()
        var sockets: [Int32] = []
        defer { sockets.forEach { close($0) } }
        log.step("connect \(clients) non-blocking clients")
        for _ in 0..<clients {
            let fd = try Sock.tcp()
            Sock.setNonBlocking(fd)
            sockets.append(fd)
            try Sock.connect(fd, port: port)
        }
        // Wait for the kernel to settle: the queue fills at once on loopback, the others sit in SYN_SENT
        // until their SYN is retried (1 s later).
        var table: [KernelView.TCPSocket] = []
        let deadline = monotonicNanoseconds() + 800_000_000
        repeat {
            pause(milliseconds: 50)
            table = KernelView.tcpSockets(port: port)
        } while monotonicNanoseconds() < deadline && table.filter({ $0.state == "SYN_SENT" }).count + table.filter({ $0.state == "ESTABLISHED" && $0.remotePort == port }).count < clients
        let after = KernelView.counters()
        let queue = table.first { $0.state == "LISTEN" }?.receiveQueue ?? 0
        let synSent = table.filter { $0.state == "SYN_SENT" }.count
        let established = table.filter { $0.state == "ESTABLISHED" && $0.remotePort == port }.count
        log.evidence("listener: \(table.first { $0.state == "LISTEN" }.map(String.init(describing:)) ?? "gone")")
        log.evidence("clients: \(established) ESTABLISHED (handshake done, waiting in the accept queue), \(synSent) SYN_SENT (their SYN was dropped; the kernel retries after 1 s, 3 s, 7 s...)")
        let overflows = (after["TcpExt.ListenOverflows"] ?? 0) - (before["TcpExt.ListenOverflows"] ?? 0)
        let drops = (after["TcpExt.ListenDrops"] ?? 0) - (before["TcpExt.ListenDrops"] ?? 0)
        log.evidence("/proc/net/netstat TcpExt: ListenOverflows +\(overflows), ListenDrops +\(drops)")

        log.step("now accept() in a loop; the waiting clients get in when their SYN is retried")
        var accepted = 0
        let start = monotonicNanoseconds()
        let acceptDeadline = start + 4_000_000_000
        while accepted < clients && monotonicNanoseconds() < acceptDeadline {
            guard Sock.wait(listener, milliseconds: 200) else { continue }
            let fd = accept(listener, nil, nil)
            if fd >= 0 {
                accepted += 1
                log.evidence("accepted #\(accepted) after \(milliseconds(monotonicNanoseconds() - start))")
                close(fd)
            }
        }
        let left = KernelView.tcpSockets(port: port).filter { $0.remotePort == port && $0.state != "CLOSE_WAIT" }
        if !left.isEmpty {
            log.evidence("clients not accepted: \(left.map(\.state).joined(separator: ", "))")
            if left.contains(where: { $0.state == "ESTABLISHED" }) {
                log.note("an ESTABLISHED client that was never accepted: its connect() succeeded, but its final ACK met a full queue and was dropped (tcp_abort_on_overflow = 0); the server holds only a half-open request until a SYN-ACK retransmission or the client's first data gets it in")
            }
        }
        log.evidence("accepted \(accepted) of \(clients); a client whose SYN was dropped paid at least one SYN retransmission timeout (1 s)")
        return Evidence(backlog: backlog, clients: clients, acceptQueue: queue, waitingInSynSent: synSent, listenOverflows: overflows, listenDrops: drops, accepted: accepted)
    }
}
#endif
