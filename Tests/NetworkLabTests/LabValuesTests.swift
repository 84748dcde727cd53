import LinkEmulator
import Testing

@testable import NetworkLab

@Suite("Lab configuration and report values")
struct LabValuesTests {
    @Test("bad configurations are refused with a message naming the value")
    func validation() {
        #expect(throws: NetworkLabError.self) { try LabConfiguration(mtu: 9000).validate() }
        #expect(throws: NetworkLabError.self) { try LabConfiguration(bufferCount: 1).validate() }
        #expect(throws: NetworkLabError.self) { try LabConfiguration(tcpMinimumRetransmissionTimeout: .seconds(500)).validate() }
        let bad = LinkProfile.symmetric(name: "bad", ImpairmentProfile(loss: 2))
        do {
            try LabConfiguration(link: bad).validate()
            Issue.record("a loss of 200% was accepted")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.message.contains("loss"))
        }
        #expect(throws: Never.self) { try LabConfiguration(link: .wifi).validate() }
    }

    @Test("the minimum RTO is written in microseconds, and left alone by default")
    func rtoText() {
        #expect(LabConfiguration().rtoMinimumMicrosecondsText == nil)
        #expect(LabConfiguration(tcpMinimumRetransmissionTimeout: .milliseconds(50)).rtoMinimumMicrosecondsText == "50000")
        #expect(LabConfiguration(tcpMinimumRetransmissionTimeout: .seconds(1)).rtoMinimumMicrosecondsText == "1000000")
    }

    @Test("sides have the lab's addresses, in network byte order too")
    func sides() {
        #expect(LabSide.server.address == "10.201.0.1")
        #expect(LabSide.client.address == "10.201.0.2")
        #expect(LabSide.server.peer == .client)
        let bytes = withUnsafeBytes(of: LabSide.client.addressInNetworkOrder) { Array($0) }
        #expect(bytes == [10, 201, 0, 2])
    }

    @Test("wait statuses decode to exit codes and signals")
    func exitStatus() {
        #expect(LabExitStatus(waitStatus: 0) == .exited(0))
        #expect(LabExitStatus(waitStatus: 3 << 8) == .exited(3))
        #expect(LabExitStatus(waitStatus: 9) == .signaled(9))
        #expect(LabExitStatus.signaled(15).shellCode == 143)
        #expect(LabExitStatus.exited(0).succeeded)
        #expect(!LabExitStatus.exited(1).succeeded)
    }

    @Test("latency summaries use nearest-rank percentiles")
    func percentiles() throws {
        let samples = (1...100).map { Duration.milliseconds($0) }
        let summary = try #require(LabLatencySummary(samples.shuffled()))
        #expect(summary.minimum == .milliseconds(1))
        #expect(summary.median == .milliseconds(50))
        #expect(summary.p90 == .milliseconds(90))
        #expect(summary.p99 == .milliseconds(99))
        #expect(summary.maximum == .milliseconds(100))
        #expect(LabLatencySummary([]) == nil)
    }

    @Test("UDP losses are counted per direction")
    func losses() {
        var report = LabUDPReport()
        report.sent = 200
        report.reachedServer = 180
        report.repliesReceived = 162
        #expect(abs(report.upstreamLoss - 0.1) < 1e-9)
        #expect(abs(report.downstreamLoss - 0.1) < 1e-9)
        #expect(abs(report.roundTripLoss - 0.19) < 1e-9)
        #expect(LabUDPReport().roundTripLoss == 0)
    }

    @Test("the configuration summary names both directions when they differ")
    func summary() {
        #expect(LabConfiguration(link: .lan).summary.contains("each way"))
        let mobile = LabConfiguration(link: .mobile, seed: 9).summary
        #expect(mobile.contains("upstream") && mobile.contains("downstream") && mobile.contains("seed 9"))
        #expect(LabConfiguration(tcpMinimumRetransmissionTimeout: .milliseconds(50)).summary.contains("tcp_rto_min 50ms"))
    }
}

@Suite("Report lines")
struct ReportTextTests {
    @Test("link lines show drops by reason, packets in flight and the kernel's drops only when there are some")
    func linkLines() {
        var counters = LabCounters()
        counters.upstream.packetsRead = 10
        counters.upstream.link.droppedRandom = 2
        counters.upstream.inFlight = 3
        counters.upstream.kernelQueueDrops = 5
        counters.downstream.kernelQueueDrops = 0
        let lines = counters.summaryLines
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("link upstream: 10 packets in"))
        #expect(lines[0].contains("dropped 2 random"))
        #expect(lines[0].contains("3 still in flight"))
        #expect(lines[0].contains("5 dropped by the kernel"))
        #expect(!lines[1].contains("in flight") && !lines[1].contains("kernel"))
    }

    @Test("durations print in milliseconds and losses in percent")
    func units() {
        #expect(LabSelfTestReport.ms(.microseconds(20_250)) == "20.25 ms")
        #expect(LabSelfTestReport.percent(0.1234) == "12.3%")
    }
}
