#if canImport(Glibc)
import Glibc

/// The same echo service served blocking (a thread per client, with read timeouts), with poll()
/// readiness on one thread, and with SwiftNIO on one event loop, to a growing number of clients.
public enum IOModelExperiment {
    public enum Model: String, CaseIterable, Sendable {
        case blocking = "blocking thread per client"
        case poll = "poll() on one thread"
        case nio = "SwiftNIO, one event loop"
    }

    public struct Row: Sendable {
        public let model: Model
        public let clients: Int
        public let roundTrips: Int
        public let nanoseconds: UInt64
        public let latencies: [UInt64]
        /// Threads the server added to the process while the clients were connected.
        public let serverThreads: Int

        public var roundTripsPerSecond: Int { Int(Double(self.roundTrips) / (Double(self.nanoseconds) / 1e9)) }
    }

    public struct Evidence: Sendable {
        public let rows: [Row]
    }

    public static func run(clientCounts: [Int] = [1, 8, 32], roundTripsPerClient: Int = 500, log: ExperimentLog) throws -> Evidence {
        log.step("each client is a thread doing \(roundTripsPerClient) round trips of 64 bytes; clients: \(clientCounts.map(String.init).joined(separator: ", "))")
        var rows: [Row] = []
        for model in Model.allCases {
            for clients in clientCounts {
                let baseline = self.serverThreadCount()
                let server: any EchoServer = switch model {
                // Its read timeout outlasts the 10 s allowed for every client to connect: on a loaded machine the
                // first client's thread must not time out while the last one is still connecting.
                case .blocking: try BlockingEchoServer(timeoutMilliseconds: 15_000)
                case .poll: try PollEchoServer()
                case .nio: try NIOEchoServer()
                }
                let row = try self.drive(server: server, model: model, clients: clients, roundTrips: roundTripsPerClient, baseline: baseline)
                try server.stop()
                // A joined thread can stay listed in /proc/self/task for a moment while the kernel finishes
                // its exit; wait until the count is back, so the next row's baseline is not one too high.
                self.waitForServerThreads(toReach: baseline)
                log.evidence("\(model.rawValue), \(clients) clients: \(row.roundTripsPerSecond) round trips/s, latency \(Samples(values: row.latencies).summary), server threads \(row.serverThreads)")
                rows.append(row)
            }
        }
        log.note("2 shared cores: the numbers move with the machine's load; the thread counts do not")
        return Evidence(rows: rows)
    }

    /// Threads named by the echo servers ("echo-...") and, for the NIO server, its own group's event loop
    /// threads (other event loops in the process, such as a test's servers, are not counted).
    static func serverThreadCount(nioPrefix: String? = nil) -> Int {
        KernelView.threadCount(named: "echo-") + (nioPrefix.map { KernelView.threadCount(named: $0) } ?? 0)
    }

    static func waitForServerThreads(toReach count: Int) {
        let deadline = monotonicNanoseconds() + 5_000_000_000
        while self.serverThreadCount() > count && monotonicNanoseconds() < deadline { usleep(1000) }
    }

    static func drive(server: any EchoServer, model: Model, clients: Int, roundTrips: Int, baseline: Int) throws -> Row {
        let connected = Shared(0)
        let go = Shared(false)
        let latencies = Shared<[UInt64]>([])
        let port = server.port
        // Connect every client before timing, so the thread count is read with all of them served.
        let threads = (0..<clients).map { _ in
            OSThread(name: "client") {
                guard let fd = try? Sock.tcp() else { return }
                defer { close(fd) }
                guard (try? Sock.connect(fd, port: port)) != nil else { return }
                try? Sock.setInt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
                Sock.setReceiveTimeout(fd, milliseconds: 5000)
                let message = [UInt8](repeating: 5, count: 64)
                // One round trip proves the server is serving this client.
                guard (try? Sock.sendAll(fd, message)) != nil, (try? Sock.receiveExactly(fd, 64))?.count == 64 else { return }
                connected.with { $0 += 1 }
                while !go.with({ $0 }) { usleep(1000) }
                var mine: [UInt64] = []
                mine.reserveCapacity(roundTrips)
                for _ in 0..<roundTrips {
                    let start = monotonicNanoseconds()
                    guard (try? Sock.sendAll(fd, message)) != nil, (try? Sock.receiveExactly(fd, 64))?.count == 64 else { break }
                    mine.append(monotonicNanoseconds() - start)
                }
                latencies.with { $0 += mine }
            }
        }
        let deadline = monotonicNanoseconds() + 10_000_000_000
        while connected.with({ $0 }) < clients && monotonicNanoseconds() < deadline { usleep(1000) }
        let during = self.serverThreadCount(nioPrefix: (server as? NIOEchoServer)?.threadPrefix)
        let start = monotonicNanoseconds()
        go.with { $0 = true }
        threads.forEach { $0.join() }
        let elapsed = monotonicNanoseconds() - start
        let samples = latencies.with { $0 }
        return Row(model: model, clients: clients, roundTrips: samples.count, nanoseconds: elapsed, latencies: samples, serverThreads: during - baseline)
    }
}
#endif
