#if canImport(Glibc)
import Glibc

/// A UDP receiver that does not keep up: the datagrams that do not fit in its receive buffer are dropped
/// by the kernel and counted in `Udp RcvbufErrors`; the application never sees them. The size asked for
/// with SO_RCVBUF is doubled (room for the kernel's bookkeeping) and capped by `net.core.rmem_max`.
public enum ReceiveBufferExperiment {
    public struct Round: Sendable {
        public let requested: Int32
        /// What getsockopt(SO_RCVBUF) reports afterwards.
        public let granted: Int32
        public let sent: Int
        public let received: Int
        /// `Udp RcvbufErrors` during the round (the whole namespace: other traffic can add to it).
        public let rcvbufErrors: Int
    }

    public struct Evidence: Sendable {
        public let rmemMax: Int
        public let rounds: [Round]
    }

    /// `sizes` defaults to 4 KiB, 1 MiB and twice rmem_max (to show the cap).
    public static func run(sizes: [Int32]? = nil, datagrams: Int = 2000, size: Int = 512, log: ExperimentLog) throws -> Evidence {
        let rmemMax = KernelView.sysctl("/proc/sys/net/core/rmem_max") ?? 0
        log.step("net.core.rmem_max = \(rmemMax) bytes: the most SO_RCVBUF may ask for without privileges")
        var rounds: [Round] = []
        for requested in sizes ?? [4096, 1 << 20, Int32(clamping: rmemMax * 2)] {
            let receiver = try Sock.udp()
            defer { close(receiver) }
            try Sock.setInt(receiver, SOL_SOCKET, SO_RCVBUF, requested)
            let granted = Sock.getInt(receiver, SOL_SOCKET, SO_RCVBUF)
            try Sock.bind(receiver, port: 0)
            let port = Sock.localPort(receiver)
            log.step("receiver asks SO_RCVBUF \(requested); getsockopt says \(granted)\(granted == requested * 2 ? " (doubled)" : " (capped at rmem_max, then doubled)"); it reads nothing while \(datagrams) datagrams of \(size) bytes arrive")
            let sender = try Sock.udp()
            defer { close(sender) }
            try Sock.connect(sender, port: port)
            let payload = [UInt8](repeating: 7, count: size)
            let before = KernelView.counters()
            var sent = 0
            for _ in 0..<datagrams where payload.withUnsafeBytes({ send(sender, $0.baseAddress, $0.count, 0) }) == size { sent += 1 }
            let after = KernelView.counters()
            Sock.setNonBlocking(receiver)
            var received = 0
            var buffer = [UInt8](repeating: 0, count: 2048)
            while recv(receiver, &buffer, buffer.count, 0) > 0 { received += 1 }
            let errors = (after["Udp.RcvbufErrors"] ?? 0) - (before["Udp.RcvbufErrors"] ?? 0)
            log.evidence("sent \(sent), the application read \(received), /proc/net/snmp Udp RcvbufErrors +\(errors)")
            rounds.append(Round(requested: requested, granted: granted, sent: sent, received: received, rcvbufErrors: errors))
        }
        log.note("each queued datagram costs its whole buffer (truesize), not its \(size) payload bytes; that is why so few fit")
        log.note("the server's realtime socket asks for 4 MiB (GameServer.makeRealtimeEndpoint); above rmem_max it gets 2 × rmem_max")
        return Evidence(rmemMax: rmemMax, rounds: rounds)
    }
}
#endif
