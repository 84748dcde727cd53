#if canImport(Glibc)
import Glibc

/// The same request/response and the same bulk transfer over TCP on loopback, a UNIX stream socket and
/// a UNIX datagram socket; then SO_PEERCRED, which only a UNIX socket can answer: which process, user
/// and group is at the other end.
public enum UnixSocketExperiment {
    public struct Row: Sendable {
        public let name: String
        public let roundTrips: Int
        public let latencies: [UInt64]
        /// Bytes moved one way in `bulkNanoseconds`.
        public let bulkBytes: Int
        public let bulkNanoseconds: UInt64

        public var megabytesPerSecond: Double { Double(self.bulkBytes) / (Double(self.bulkNanoseconds) / 1e9) / 1e6 }
    }

    public struct Evidence: Sendable {
        public let rows: [Row]
        public let peerPID: Int32
        public let peerUID: UInt32
        public let ownPID: Int32
    }

    public static func run(roundTrips: Int = 2000, bulkBytes: Int = 16 << 20, log: ExperimentLog) throws -> Evidence {
        var rows: [Row] = []
        log.step("\(roundTrips) round trips of 64 bytes each, then \(bulkBytes >> 20) MiB one way (64 KiB writes; 32 KiB datagrams), on each kind of socket")
        // TCP loopback.
        let listener = try Sock.listener()
        let tcp = try Sock.connectedPair(listener: listener)
        close(listener)
        try Sock.setInt(tcp.client, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
        try Sock.setInt(tcp.server, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
        rows.append(try self.measure(name: "TCP 127.0.0.1", tcp.client, tcp.server, chunk: 65_536, stream: true, roundTrips: roundTrips, bulkBytes: bulkBytes, log: log))
        close(tcp.client)
        close(tcp.server)

        var stream: [Int32] = [0, 0]
        _ = try Sock.check(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &stream), "socketpair")
        rows.append(try self.measure(name: "UNIX stream", stream[0], stream[1], chunk: 65_536, stream: true, roundTrips: roundTrips, bulkBytes: bulkBytes, log: log))

        var datagram: [Int32] = [0, 0]
        _ = try Sock.check(socketpair(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0, &datagram), "socketpair")
        rows.append(try self.measure(name: "UNIX datagram", datagram[0], datagram[1], chunk: 32_768, stream: false, roundTrips: roundTrips, bulkBytes: bulkBytes, log: log))
        close(datagram[0])
        close(datagram[1])
        log.note("a UNIX datagram sender blocks when the receiver's queue is full: no datagram was lost, unlike UDP")

        log.step("getsockopt(SO_PEERCRED) on the UNIX stream socket: who is at the other end")
        var credentials = PeerCredentials()
        var length = socklen_t(MemoryLayout<PeerCredentials>.size)
        _ = try Sock.check(getsockopt(stream[0], SOL_SOCKET, SO_PEERCRED, &credentials, &length), "getsockopt")
        close(stream[0])
        close(stream[1])
        log.evidence("peer pid \(credentials.pid) uid \(credentials.uid) gid \(credentials.gid); this process is pid \(getpid()), uid \(getuid())")
        log.note("the kernel fills these in at connect time; a peer cannot forge them, so an admin socket can trust them")
        return Evidence(rows: rows, peerPID: credentials.pid, peerUID: credentials.uid, ownPID: getpid())
    }

    /// `struct ucred` (pid_t, uid_t, gid_t); Swift's Glibc module hides it behind _GNU_SOURCE.
    struct PeerCredentials {
        var pid: Int32 = 0
        var uid: UInt32 = 0
        var gid: UInt32 = 0
    }

    static func measure(name: String, _ a: Int32, _ b: Int32, chunk: Int, stream: Bool, roundTrips: Int, bulkBytes: Int, log: ExperimentLog) throws -> Row {
        // Echo thread: answers 64-byte messages, then swallows the bulk transfer until a zero-length marker.
        let echo = OSThread {
            var buffer = [UInt8](repeating: 0, count: 65_536)
            for _ in 0..<roundTrips {
                guard let message = try? (stream ? Sock.receiveExactly(b, 64) : Array(buffer[0..<max(0, recv(b, &buffer, 64, 0))])), message.count == 64 else { return }
                try? Sock.sendAll(b, message)
            }
            var total = 0
            while total < bulkBytes {
                let count = recv(b, &buffer, buffer.count, 0)
                if count <= 0 { return }
                total += count
            }
            try? Sock.sendAll(b, [1])
        }
        var latencies: [UInt64] = []
        let message = [UInt8](repeating: 9, count: 64)
        var buffer = [UInt8](repeating: 0, count: 64)
        for _ in 0..<roundTrips {
            let start = monotonicNanoseconds()
            try Sock.sendAll(a, message)
            if stream { _ = try Sock.receiveExactly(a, 64) } else { _ = recv(a, &buffer, 64, 0) }
            latencies.append(monotonicNanoseconds() - start)
        }
        let data = [UInt8](repeating: 3, count: chunk)
        let start = monotonicNanoseconds()
        var sent = 0
        while sent < bulkBytes {
            try Sock.sendAll(a, data)
            sent += chunk
        }
        _ = try Sock.receiveExactly(a, 1)
        let elapsed = monotonicNanoseconds() - start
        echo.join()
        let row = Row(name: name, roundTrips: roundTrips, latencies: latencies, bulkBytes: sent, bulkNanoseconds: elapsed)
        log.evidence("\(name): round trip \(Samples(values: latencies).summary); bulk \(Int(row.megabytesPerSecond)) MB/s")
        return row
    }
}
#endif
