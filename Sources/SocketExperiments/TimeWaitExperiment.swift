#if canImport(Glibc)
import Glibc

/// The end of a TCP connection: the side that closes first holds TIME_WAIT (60 s on Linux); while a
/// server's old connection sits there, a new listener on the same port fails with EADDRINUSE unless it
/// sets SO_REUSEADDR; SO_LINGER with a zero timeout skips all of it by sending RST.
public enum TimeWaitExperiment {
    public struct Evidence: Sendable {
        /// States on the server's port after the server closed first.
        public let serverClosesFirst: [String]
        /// The TIME_WAIT timer as /proc/net/tcp shows it, in seconds.
        public let timeWaitSeconds: Double
        /// The error of a rebind without SO_REUSEADDR (nil if it succeeded).
        public let rebindWithoutReuse: Int32?
        /// The error of a rebind with SO_REUSEADDR when the old listener did not set it.
        public let rebindWithReuseOnNewOnly: Int32?
        /// The error of a rebind when old and new listener both set SO_REUSEADDR (nil: it worked).
        public let rebindWithReuseOnBoth: Int32?
        /// States after the client closed first: TIME_WAIT is on the client's port.
        public let clientClosesFirst: [String]
        /// What the peer's recv() returned after SO_LINGER 0 + close (an errno, 0 for EOF).
        public let lingerZeroPeerError: Int32
        public let outRsts: Int
        /// Sockets left on the port after the RST (no TIME_WAIT).
        public let lingerZeroLeftovers: [String]
    }

    static func waitForState(_ state: String, port: Int) -> [KernelView.TCPSocket] {
        var table: [KernelView.TCPSocket] = []
        for _ in 0..<40 {
            table = KernelView.tcpSockets(port: port)
            if table.contains(where: { $0.state == state }) { break }
            pause(milliseconds: 25)
        }
        return table
    }

    /// Binds and listens on `port` once; the errno if that fails.
    static func bindError(port: Int, reuseAddress: Bool) -> Int32? {
        switch self.bind(port: port, reuseAddress: reuseAddress) {
        case .success(let fd):
            close(fd)
            return nil
        case .failure(let failure):
            return failure.code
        }
    }

    /// Binds and listens on `port` once: the listener, or the errno if that fails.
    static func bind(port: Int, reuseAddress: Bool) -> Result<Int32, BindFailure> {
        do {
            return .success(try Sock.listener(port: port, reuseAddress: reuseAddress))
        } catch let error as SocketCallError {
            return .failure(BindFailure(code: error.code))
        } catch {
            return .failure(BindFailure(code: -1))
        }
    }

    struct BindFailure: Error {
        var code: Int32
    }

    public static func run(log: ExperimentLog) throws -> Evidence {
        // 1. The server closes first.
        var listener = try Sock.listener()
        let port = Sock.localPort(listener)
        log.step("server listens on 127.0.0.1:\(port) without SO_REUSEADDR; a client connects")
        var pair = try Sock.connectedPair(listener: listener)
        log.step("the server closes first (active close): FIN from the server, the client's kernel ACKs it")
        close(pair.server)
        _ = waitForState("CLOSE_WAIT", port: port)
        log.step("the client reads EOF and closes too (passive close)")
        var byte: UInt8 = 0
        _ = recv(pair.client, &byte, 1, 0)
        close(pair.client)
        let first = waitForState("TIME_WAIT", port: port)
        first.forEach { log.evidence("\($0)") }
        let timeWait = first.first { $0.state == "TIME_WAIT" }
        let seconds = Double(timeWait?.timerTicks ?? 0) / 100
        log.evidence("TIME_WAIT is held by the side that closed first (the server, local port \(port)), for \(seconds) s more (TCP_TIMEWAIT_LEN is 60 s)")

        log.step("restart the server: close the listener and bind \(port) again without SO_REUSEADDR")
        close(listener)
        let rebindError = self.bindError(port: port, reuseAddress: false)
        log.evidence(rebindError.map { "\(SocketCallError(call: "bind", code: $0))" } ?? "bind succeeded")
        log.step("and with SO_REUSEADDR on the new listener only")
        let reuseOnNewOnly = self.bindError(port: port, reuseAddress: true)
        log.evidence(reuseOnNewOnly.map { "\(SocketCallError(call: "bind", code: $0)): the TIME_WAIT socket inherited the old listener's SO_REUSEADDR (off); both must set it" } ?? "bind succeeded")

        log.step("again, with SO_REUSEADDR on the listener from the start (what GameServer.makeListener sets)")
        // Between closing the old listener and binding the new one, the freed port is anyone's: another
        // program that binds port 0 with SO_REUSEADDR may be given it (our TIME_WAIT does not stop a
        // listener that also sets it). Such a taker shows as a listener on the port; the step is then
        // tried again on a fresh port, and a failure with no taker is the evidence.
        var reuseError: Int32?
        var attempts = 0
        while true {
            attempts += 1
            listener = try Sock.listener(reuseAddress: true)
            let reusePort = Sock.localPort(listener)
            pair = try Sock.connectedPair(listener: listener)
            close(pair.server)
            _ = waitForState("CLOSE_WAIT", port: reusePort)
            _ = recv(pair.client, &byte, 1, 0)
            close(pair.client)
            let reuseTable = waitForState("TIME_WAIT", port: reusePort)
            reuseTable.filter { $0.state == "TIME_WAIT" }.forEach { log.evidence("\($0)") }
            close(listener)
            // The restarted listener is kept, not closed and bound again (a second window for a taker).
            switch self.bind(port: reusePort, reuseAddress: true) {
            case .success(let fd):
                listener = fd
                reuseError = nil
                log.evidence("the restarted listener binds \(reusePort) while its old connection is in TIME_WAIT")
            case .failure(let failure):
                reuseError = failure.code
                listener = try Sock.listener(reuseAddress: true)
                let taken = KernelView.tcpSockets(port: reusePort).contains { $0.localPort == reusePort && $0.state == "LISTEN" }
                if taken, attempts < 3 {
                    log.note("another program took port \(reusePort) in between (a listener is on it); again on a fresh port")
                    close(listener)
                    continue
                }
                log.evidence("\(SocketCallError(call: "bind", code: failure.code))")
            }
            break
        }

        // 2. The client closes first.
        log.step("a new connection; this time the client closes first")
        pair = try Sock.connectedPair(listener: listener)
        let clientPort = Sock.localPort(pair.client)
        close(pair.client)
        _ = recv(pair.server, &byte, 1, 0)
        close(pair.server)
        let second = waitForState("TIME_WAIT", port: clientPort).filter { $0.localPort == clientPort || $0.remotePort == clientPort }
        second.forEach { log.evidence("\($0)") }
        log.evidence("now TIME_WAIT sits on the client's ephemeral port \(clientPort); the server's port is free")

        // 3. SO_LINGER 0.
        log.step("a third connection; the client sets SO_LINGER {on, 0 s} and closes: RST instead of FIN")
        pair = try Sock.connectedPair(listener: listener)
        let lingerPort = Sock.localPort(pair.client)
        try Sock.sendAll(pair.client, [1, 2, 3])
        var linger = linger(l_onoff: 1, l_linger: 0)
        setsockopt(pair.client, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<linger>.size))
        let before = KernelView.counters()
        close(pair.client)
        _ = Sock.wait(pair.server, milliseconds: 1000)
        var buffer = [UInt8](repeating: 0, count: 16)
        var peerError: Int32 = 0
        // The bytes sent before the RST may be read first; then the reset.
        while true {
            let count = recv(pair.server, &buffer, buffer.count, 0)
            if count > 0 { continue }
            peerError = count == 0 ? 0 : errno
            break
        }
        let after = KernelView.counters()
        let rsts = (after["Tcp.OutRsts"] ?? 0) - (before["Tcp.OutRsts"] ?? 0)
        close(pair.server)
        close(listener)
        let leftovers = KernelView.tcpSockets(port: lingerPort).map(\.state)
        log.evidence("the server's recv(): \(peerError == 0 ? "EOF" : SocketCallError(call: "recv", code: peerError).description)")
        log.evidence("/proc/net/snmp Tcp OutRsts +\(rsts); sockets left on port \(lingerPort): \(leftovers.isEmpty ? "none (no TIME_WAIT)" : leftovers.joined(separator: ", "))")
        log.note("the cost: unread or unsent data is thrown away, and the peer sees an error instead of EOF")
        return Evidence(
            serverClosesFirst: first.map(\.description), timeWaitSeconds: seconds, rebindWithoutReuse: rebindError,
            rebindWithReuseOnNewOnly: reuseOnNewOnly, rebindWithReuseOnBoth: reuseError, clientClosesFirst: second.map(\.description), lingerZeroPeerError: peerError,
            outRsts: rsts, lingerZeroLeftovers: leftovers)
    }
}
#endif
