#if canImport(Glibc)
import Foundation
import Glibc
import Testing
@testable import SocketExperiments

/// Each experiment in a short form, checked against what the kernel reports: socket states from
/// /proc/net/tcp, counters from /proc/net/snmp and /proc/net/netstat, getsockopt values. Counters are
/// namespace-wide, so the checks are lower bounds that other traffic cannot break.
@Suite struct SocketExperimentsTests {
    /// Runs a blocking experiment on its own thread: parked on the shared cooperative pool (one thread
    /// per core) it would starve every other test's async work.
    func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    @Test func aFullAcceptQueueDropsSynsUntilAcceptDrainsIt() async throws {
        let evidence = try await onOwnThread { try BacklogExperiment.run(backlog: 1, clients: 3, log: .silent) }
        #expect(evidence.acceptQueue == 2, "Linux queues backlog + 1 completed handshakes")
        #expect(evidence.waitingInSynSent >= 1)
        #expect(evidence.listenOverflows >= 1)
        #expect(evidence.listenDrops >= 1)
        #expect(evidence.accepted == 3)
    }

    @Test func timeWaitIsHeldByTheActiveCloserAndReuseAddressGetsPastIt() async throws {
        let evidence = try await onOwnThread { try TimeWaitExperiment.run(log: .silent) }
        #expect(evidence.serverClosesFirst.contains { $0.hasPrefix("TIME_WAIT") })
        #expect(evidence.timeWaitSeconds > 30 && evidence.timeWaitSeconds <= 60)
        #expect(evidence.rebindWithoutReuse == EADDRINUSE)
        #expect(evidence.rebindWithReuseOnNewOnly == EADDRINUSE, "the TIME_WAIT socket keeps the old listener's setting")
        #expect(evidence.rebindWithReuseOnBoth == nil)
        #expect(evidence.clientClosesFirst.contains { $0.hasPrefix("TIME_WAIT") })
        #expect(evidence.lingerZeroPeerError == ECONNRESET)
        #expect(evidence.outRsts >= 1)
        #expect(!evidence.lingerZeroLeftovers.contains("TIME_WAIT"))
    }

    @Test func reusePortSpreadsFlowsAndKeepsEachOnOneSocket() async throws {
        let evidence = try await onOwnThread { try ReusePortExperiment.run(flows: 32, datagramsPerFlow: 3, log: .silent) }
        #expect(evidence.secondBindWithout == EADDRINUSE)
        #expect(evidence.udpPerSocket.reduce(0, +) == 96)
        #expect(evidence.udpSplitFlows == 0)
        #expect(evidence.udpPerSocket.allSatisfy { $0 > 0 }, "32 flows all hashing to one socket: 1 in 2^31")
        #expect(evidence.tcpPerListener.reduce(0, +) == 32)
        #expect(evidence.tcpPerListener.allSatisfy { $0 > 0 })
    }

    @Test func aSlowReceiverLosesWhatDoesNotFitAndTheKernelCountsIt() async throws {
        let rmemMax = Int32(clamping: KernelView.sysctl("/proc/sys/net/core/rmem_max") ?? 0)
        let evidence = try await onOwnThread { try ReceiveBufferExperiment.run(sizes: [4096, rmemMax * 2], datagrams: 400, log: .silent) }
        let small = evidence.rounds[0], capped = evidence.rounds[1]
        #expect(small.granted == 8192, "the kernel doubles the request")
        #expect(small.received < small.sent)
        #expect(small.rcvbufErrors >= small.sent - small.received)
        #expect(capped.granted == rmemMax * 2, "capped at rmem_max, then doubled")
        #expect(capped.received > small.received)
    }

    @Test func halfCloseLetsTheServerAnswerAfterTheClientsFin() async throws {
        let evidence = try await onOwnThread { try HalfCloseExperiment.run(log: .silent) }
        #expect(evidence.afterClientFin.contains { $0.hasPrefix("FIN_WAIT2") })
        #expect(evidence.afterClientFin.contains { $0.hasPrefix("CLOSE_WAIT") })
        #expect(evidence.serverRead == 14)
        #expect(evidence.answer == "got 3 lines")
        #expect(evidence.clientFinalRead == 0)
    }

    @Test func nagleHoldsTheSecondSmallWriteAndNoDelayDoesNot() async throws {
        let evidence = try await onOwnThread { try NagleExperiment.run(requests: 10, log: .silent) }
        let nagle = evidence.rounds[0], noDelay = evidence.rounds[1]
        #expect(nagle.noDelayOption == 0)
        #expect(noDelay.noDelayOption == 1)
        #expect(nagle.latencies.count == 10 && noDelay.latencies.count == 10)
        #expect(noDelay.segmentsOut >= 20, "two segments per request with TCP_NODELAY")
        // The delayed-ACK timer (40 ms minimum) sets the floor; a loaded machine can only add to it.
        #expect(nagle.median >= 20_000_000, "Nagle waited for the delayed ACK")
    }

    @Test func blockingUsesAThreadPerClientAndPollOne() async throws {
        let evidence = try await onOwnThread { try IOModelExperiment.run(clientCounts: [1, 4], roundTripsPerClient: 20, log: .silent) }
        for row in evidence.rows {
            #expect(row.roundTrips == row.clients * 20, "\(row.model) \(row.clients)")
            switch row.model {
            case .blocking: #expect(row.serverThreads == row.clients + 1)
            case .poll: #expect(row.serverThreads == 1)
            case .nio: #expect(row.serverThreads >= 1)
            }
        }
    }

    @Test func unixSocketsCarryTheSameTrafficAndNameTheirPeer() async throws {
        let evidence = try await onOwnThread { try UnixSocketExperiment.run(roundTrips: 50, bulkBytes: 1 << 20, log: .silent) }
        #expect(evidence.rows.map(\.name) == ["TCP 127.0.0.1", "UNIX stream", "UNIX datagram"])
        #expect(evidence.rows.allSatisfy { $0.latencies.count == 50 && $0.bulkBytes >= 1 << 20 })
        #expect(evidence.peerPID == evidence.ownPID)
        #expect(evidence.peerUID == getuid())
    }

    @Test func procNetTCPLinesParse() {
        let text = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0100007F:1F90 00000000:0000 0A 00000000:00000003 00:00000000 00000000     0        0 1 1
               1: 0100007F:1F90 0100007F:D431 06 00000000:00000000 03:00001770 00000000     0        0 0 3
            """
        let sockets = KernelView.parseTCP(text)
        #expect(sockets.count == 2)
        #expect(sockets[0].state == "LISTEN" && sockets[0].localPort == 8080 && sockets[0].receiveQueue == 3)
        #expect(sockets[1].state == "TIME_WAIT" && sockets[1].timer == 3 && sockets[1].timerTicks == 6000)
    }

    @Test func snmpCounterPairsParse() {
        let counters = KernelView.parseCounters("Udp: InDatagrams RcvbufErrors\nUdp: 10 4\nTcpExt: ListenOverflows\nTcpExt: 2\n")
        #expect(counters["Udp.RcvbufErrors"] == 4)
        #expect(counters["TcpExt.ListenOverflows"] == 2)
    }
}
#endif
