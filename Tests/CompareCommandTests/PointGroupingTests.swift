import NetcodeTransport
import Comparison
import NetcodeStore
import Testing
@testable import netcode

/// The runs of one point, as the database keeps them, become one point of the report.
@Suite struct PointGroupingTests {
    @Test func runsOfAPointAreGroupedAndOrderedUDPFirst() {
        func measurement(_ loss: Double, _ transport: UpdateTransport, _ run: Int, latency: Double) -> NetcodeStore.ComparisonPoint {
            NetcodeStore.ComparisonPoint(
                loss: loss, transport: transport, runIndex: run, delivery: 1 - loss,
                latencyP50Ms: latency, latencyP99Ms: latency * 2, latencyP999Ms: latency * 3, latencyMaxMs: latency * 4,
                stalenessP50Ms: 33, stalenessP99Ms: 40, stallsPerMinute: 0, longestStallMs: 0, bytesPerSecond: 1000
            )
        }
        let points = ComparisonRunner.points(from: [
            measurement(0.05, .tcp, 0, latency: 30), measurement(0.05, .udp, 0, latency: 20),
            measurement(0, .udp, 0, latency: 20), measurement(0.05, .tcp, 1, latency: 50),
            measurement(0.05, .tcp, 2, latency: 40), measurement(0, .tcp, 0, latency: 21),
        ], impairsTCP: false)
        #expect(points.map(\.transport) == [.udp, .tcp, .udp, .tcp])
        #expect(points.map(\.loss) == [0, 0, 0.05, 0.05])
        let tcp = points[3]
        #expect(tcp.runs == 3)
        #expect(tcp.latencyP50Ms == Spread(min: 30, median: 40, max: 50))
        #expect(!tcp.impaired, "portable mode cannot impair TCP")
        #expect(points[2].impaired)
    }
}
