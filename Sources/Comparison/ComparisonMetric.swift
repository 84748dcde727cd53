import Foundation

/// The figures every report prints for a point, in report order. One list keeps the terminal table, the
/// HTML table and the CSV in step; the CSV and JSON names come from `ComparisonPoint.CodingKeys`, so a
/// column can never drift from its JSON key.
enum ComparisonMetric: CaseIterable {
    case delivery
    case latencyP50, latencyP99, latencyP999, latencyMax
    case stalenessP50, stalenessP99
    case stallsPerMinute, longestStall
    case bytesPerSecond

    enum Unit {
        /// A fraction 0-1, shown as a percentage.
        case ratio
        case milliseconds
        case perMinute
        case bytesPerSecond
    }

    /// The JSON key of the figure in `ComparisonPoint`, also its CSV column.
    var key: String { codingKey.stringValue }

    private var codingKey: ComparisonPoint.CodingKeys {
        switch self {
        case .delivery: .delivery
        case .latencyP50: .latencyP50Ms
        case .latencyP99: .latencyP99Ms
        case .latencyP999: .latencyP999Ms
        case .latencyMax: .latencyMaxMs
        case .stalenessP50: .stalenessP50Ms
        case .stalenessP99: .stalenessP99Ms
        case .stallsPerMinute: .stallsPerMinute
        case .longestStall: .longestStallMs
        case .bytesPerSecond: .bytesPerSecond
        }
    }

    var unit: Unit {
        switch self {
        case .delivery: .ratio
        case .latencyP50, .latencyP99, .latencyP999, .latencyMax, .stalenessP50, .stalenessP99, .longestStall: .milliseconds
        case .stallsPerMinute: .perMinute
        case .bytesPerSecond: .bytesPerSecond
        }
    }

    /// Column heading under its group (see `group`).
    var heading: String {
        switch self {
        case .delivery: "delivery"
        case .latencyP50, .stalenessP50: "p50"
        case .latencyP99, .stalenessP99: "p99"
        case .latencyP999: "p99.9"
        case .latencyMax: "max"
        case .stallsPerMinute: "per min"
        case .longestStall: "longest ms"
        case .bytesPerSecond: "bytes/s"
        }
    }

    /// Heading over a run of columns; columns next to each other with the same group share it.
    var group: String {
        switch self {
        case .delivery: ""
        case .latencyP50, .latencyP99, .latencyP999, .latencyMax: "snapshot latency (ms)"
        case .stalenessP50, .stalenessP99: "staleness (ms)"
        case .stallsPerMinute, .longestStall: "stalls >100 ms"
        case .bytesPerSecond: ""
        }
    }

    /// A full name for places with room: the HTML table's tooltips and the docs.
    var title: String {
        switch self {
        case .delivery: "delivery ratio"
        case .latencyP50: "snapshot latency p50 (ms)"
        case .latencyP99: "snapshot latency p99 (ms)"
        case .latencyP999: "snapshot latency p99.9 (ms)"
        case .latencyMax: "snapshot latency max (ms)"
        case .stalenessP50: "display staleness p50 (ms)"
        case .stalenessP99: "display staleness p99 (ms)"
        case .stallsPerMinute: "stalls over 100 ms per minute"
        case .longestStall: "longest stall (ms)"
        case .bytesPerSecond: "realtime bytes per second per player"
        }
    }

    func spread(of point: ComparisonPoint) -> Spread {
        switch self {
        case .delivery: point.delivery
        case .latencyP50: point.latencyP50Ms
        case .latencyP99: point.latencyP99Ms
        case .latencyP999: point.latencyP999Ms
        case .latencyMax: point.latencyMaxMs
        case .stalenessP50: point.stalenessP50Ms
        case .stalenessP99: point.stalenessP99Ms
        case .stallsPerMinute: point.stallsPerMinute
        case .longestStall: point.longestStallMs
        case .bytesPerSecond: point.bytesPerSecond
        }
    }

    /// One figure as the reports print it, without its unit; `–` when missing.
    func format(_ value: Double?) -> String {
        guard let value = value?.finiteOrNil else { return ReportFormat.missing }
        switch unit {
        case .ratio: return ReportFormat.fixed(value * 100, 1) + "%"
        case .milliseconds, .perMinute: return ReportFormat.magnitude(value)
        case .bytesPerSecond: return ReportFormat.fixed(value, 0)
        }
    }

    /// The spread's range as "min–max" (ratios in percent, without the sign to keep columns narrow); `–` when
    /// either end is missing.
    func formatRange(_ spread: Spread) -> String {
        guard let low = spread.min?.finiteOrNil, let high = spread.max?.finiteOrNil else { return ReportFormat.missing }
        switch unit {
        case .ratio: return ReportFormat.fixed(low * 100, 1) + "–" + ReportFormat.fixed(high * 100, 1)
        case .milliseconds, .perMinute, .bytesPerSecond: return format(low) + "–" + format(high)
        }
    }
}
