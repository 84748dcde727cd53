import NetcodeTransport
import Foundation

@testable import Comparison

/// Made-up results with figures that differ by loss level and transport, so a figure printed in the wrong
/// row or column is caught. (`Comparison.ComparisonReport` in full: Foundation has a `ComparisonReport` too.)
enum ReportFixture {
    static let start = Date(timeIntervalSince1970: 1_764_061_260)

    static func spread(_ median: Double?, runs: Int, width: Double = 0.1) -> Spread {
        guard let median else { return Spread(min: nil, median: nil, max: nil) }
        guard runs > 1 else { return Spread(min: median, median: median, max: median) }
        return Spread(min: median * (1 - width), median: median, max: median * (1 + width / 2))
    }

    static func point(loss: Double, transport: UpdateTransport, impaired: Bool = true, runs: Int) -> ComparisonPoint {
        let l = loss * 100
        let tcp = transport == .tcp
        let s = { (value: Double?) in spread(value, runs: runs) }
        return ComparisonPoint(
            loss: loss, transport: transport, impaired: impaired, runs: runs,
            delivery: spread(tcp ? 1 - 0.001 * l : 1 - loss, runs: runs, width: 0.01),
            latencyP50Ms: s(20 + l * (tcp ? 0.7 : 0.1)),
            latencyP99Ms: s(tcp ? 24 + 37 * l : 23 + 0.3 * l),
            latencyP999Ms: s(tcp ? 25 + 83 * l : 24 + 0.4 * l),
            latencyMaxMs: s(!tcp && abs(loss - 0.02) < 1e-9 ? nil : (tcp ? 30 + 131 * l : 26 + 0.9 * l)),
            stalenessP50Ms: s(66.7 + l * (tcp ? 1.3 : 0.2)),
            stalenessP99Ms: s(70 + l * (tcp ? 29 : 2.1)),
            stallsPerMinute: s(tcp ? 0.4 * l * l : 0.03 * l),
            longestStallMs: s(tcp ? (l == 0 ? 0 : 180 + 97 * l) : (l == 0 ? nil : 104 + 1.7 * l)),
            bytesPerSecond: s(tcp ? 12000 + 37 * l : 13000 + 11 * l))
    }

    static func result(
        losses: [Double] = [0, 0.01, 0.02, 0.05, 0.10], runs: Int = 1, mode: Comparison.ComparisonReport.Mode = .lab,
        modeNote: String = "namespaces lab: veth pair through a TUN link emulator", tcpImpaired: Bool = true, seed: UInt64 = 42
    ) -> Comparison.ComparisonReport {
        var points: [ComparisonPoint] = []
        for loss in losses {
            points.append(point(loss: loss, transport: .udp, runs: runs))
            points.append(point(loss: loss, transport: .tcp, impaired: tcpImpaired, runs: runs))
        }
        let parameters = ComparisonParameters(
            losses: losses, latencyMs: 25, jitterMs: 3, extraImpairment: "burst=0.4", tickRate: 30, snapshotInterval: 2, bots: 6,
            secondsPerPoint: 15, runs: runs, seed: seed)
        return Comparison.ComparisonReport(
            mode: mode, modeNote: modeNote, parameters: parameters, startedAt: start, finishedAt: start + 450, points: points, runID: 12)
    }

    /// The portable mode's shape: TCP over clean loopback at every loss level.
    static func portable(runs: Int = 1) -> Comparison.ComparisonReport {
        result(runs: runs, mode: .portable, modeNote: "no CAP_NET_ADMIN; TCP over loopback", tcpImpaired: false)
    }

    /// Three runs per point, with one point's spread missing entirely.
    static func threeRuns() -> Comparison.ComparisonReport {
        var result = result(runs: 3)
        let index = result.points.firstIndex { $0.transport == .udp && abs($0.loss - 0.05) < 1e-9 }!
        result.points[index].stalenessP99Ms = Spread([])
        return result
    }
}

extension ReportFixture {
    /// The decimal places a printed figure has, to compare it with the value it stands for.
    static func tolerance(of printed: String) -> Double {
        guard let dot = printed.firstIndex(of: ".") else { return 0.5 + 1e-9 }
        let decimals = printed[printed.index(after: dot)...].prefix { $0.isNumber }.count
        return 0.5 * pow(10, -Double(decimals)) + 1e-9
    }

    /// Whether `printed` (a table or page cell) shows `value`: `–` for nil, else a number within its rounding.
    static func shows(_ printed: String, _ value: Double?, percent: Bool = false) -> Bool {
        guard let value else { return printed == "–" }
        let digits = printed.hasSuffix("%") ? String(printed.dropLast()) : printed
        guard let number = Double(digits) else { return false }
        return abs(number - (percent ? value * 100 : value)) <= tolerance(of: digits)
    }

    /// The figures of a point in the order of the table's columns (docs/COMPARE.md), written out here rather than
    /// taken from the renderers, so a figure shown under the wrong heading fails the tests.
    static func tableColumns(_ point: ComparisonPoint) -> [(name: String, spread: Spread, percent: Bool)] {
        [
            ("delivery", point.delivery, true), ("latency p50", point.latencyP50Ms, false), ("latency p99", point.latencyP99Ms, false),
            ("latency p99.9", point.latencyP999Ms, false), ("latency max", point.latencyMaxMs, false),
            ("staleness p50", point.stalenessP50Ms, false), ("staleness p99", point.stalenessP99Ms, false),
            ("stalls per minute", point.stallsPerMinute, false), ("longest stall", point.longestStallMs, false),
            ("bytes per second", point.bytesPerSecond, false),
        ]
    }
}
