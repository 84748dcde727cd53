#if canImport(Glibc)
import Glibc

/// A request written in two small pieces (header, then body) and answered only when whole. With Nagle's
/// algorithm on, the body waits until the header is acknowledged; the receiver, with nothing to send
/// yet, delays that ACK (about 40 ms on Linux). TCP_NODELAY sends the body at once.
public enum NagleExperiment {
    public struct Round: Sendable {
        public let noDelay: Bool
        /// TCP_NODELAY as getsockopt reports it on the client.
        public let noDelayOption: Int32
        public let latencies: [UInt64]
        /// Segments the client sent (TCP_INFO tcpi_segs_out) during the round.
        public let segmentsOut: Int

        public var median: UInt64 { Samples(values: self.latencies).percentile(50) }
    }

    public struct Evidence: Sendable {
        public let rounds: [Round]
    }

    static let header = 4, body = 60, reply = 8

    public static func run(requests: Int = 25, log: ExperimentLog) throws -> Evidence {
        log.step("each request: write(\(header)-byte header), write(\(body)-byte body); the server answers \(reply) bytes when it has all \(header + body)")
        log.note("loopback: no wire delay, so what shows is Nagle waiting on the receiver's delayed ACK; through a real link (netcode lab) the wait is a round trip or the ACK delay, whichever ends later")
        var rounds: [Round] = []
        for noDelay in [false, true] {
            let listener = try Sock.listener()
            defer { close(listener) }
            let pair = try Sock.connectedPair(listener: listener)
            try Sock.setInt(pair.client, Int32(IPPROTO_TCP), TCP_NODELAY, noDelay ? 1 : 0)
            let option = Sock.getInt(pair.client, Int32(IPPROTO_TCP), TCP_NODELAY)
            let server = pair.server
            let echo = OSThread {
                while let request = try? Sock.receiveExactly(server, header + body), request.count == header + body {
                    try? Sock.sendAll(server, [UInt8](repeating: 1, count: reply))
                }
            }
            let segmentsBefore = self.segmentsOut(pair.client)
            var latencies: [UInt64] = []
            for _ in 0..<requests {
                let start = monotonicNanoseconds()
                try Sock.sendAll(pair.client, [UInt8](repeating: 0, count: header))
                try Sock.sendAll(pair.client, [UInt8](repeating: 0, count: body))
                _ = try Sock.receiveExactly(pair.client, reply)
                latencies.append(monotonicNanoseconds() - start)
            }
            let segments = self.segmentsOut(pair.client) - segmentsBefore
            shutdown(pair.client, Int32(SHUT_WR))
            echo.join()
            close(pair.client)
            close(pair.server)
            let round = Round(noDelay: noDelay, noDelayOption: option, latencies: latencies, segmentsOut: segments)
            log.evidence("TCP_NODELAY=\(option): \(requests) requests, latency \(Samples(values: latencies).summary), \(segments) segments sent (TCP_INFO)")
            rounds.append(round)
        }
        return Evidence(rounds: rounds)
    }

    /// tcpi_segs_out from TCP_INFO. Glibc's `struct tcp_info` stops before it, so read the kernel's
    /// layout (linux/tcp.h: offset 136) from the raw bytes.
    static func segmentsOut(_ fd: Int32) -> Int {
        var raw = [UInt8](repeating: 0, count: 256)
        var length = socklen_t(raw.count)
        guard getsockopt(fd, Int32(IPPROTO_TCP), TCP_INFO, &raw, &length) == 0, length >= 140 else { return 0 }
        return raw.withUnsafeBytes { Int($0.loadUnaligned(fromByteOffset: 136, as: UInt32.self)) }
    }
}
#endif
