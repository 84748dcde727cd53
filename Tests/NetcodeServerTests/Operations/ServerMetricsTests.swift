import NetcodeProtocol
import Testing
@testable import NetcodeServer

/// Shard totals become Prometheus counters by what is new; totals read earlier and published later
/// (a scrape and the status loop race) never count anything twice.
@Suite struct ServerMetricsTests {
    static func value(_ metrics: ServerMetrics, _ sample: String) -> Double? {
        for line in metrics.text().split(separator: "\n") where line.hasPrefix(sample + " ") {
            return Double(line.split(separator: " ").last!)
        }
        return nil
    }

    @Test func countersOnlyMoveForwardWhateverOrderTotalsArriveIn() {
        let metrics = ServerMetrics()
        func totals(_ datagrams: UInt64, badTag: UInt64) -> RealtimeCounters {
            var counters = RealtimeCounters()
            counters.datagramsReceived = datagrams
            counters.drops[.badTag] = badTag
            return counters
        }
        metrics.publish(totals(100, badTag: 3), kernelDrops: 1_000)
        metrics.publish(totals(60, badTag: 1), kernelDrops: 900)  // read before, published after
        metrics.publish(totals(150, badTag: 5), kernelDrops: 1_004)
        #expect(Self.value(metrics, #"netcode_realtime_datagrams_total{direction="in"}"#) == 150)
        #expect(Self.value(metrics, #"netcode_realtime_drops_total{reason="badTag"}"#) == 5)
        #expect(Self.value(metrics, "netcode_realtime_rcvbuf_drops_total") == 4, "the kernel's count from the server's start")
    }
}
