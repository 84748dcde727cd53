import Foundation
import NetcodeTransport

/// The comparison as CSV: a header line and one row per point, in report order (by loss, UDP before TCP).
public enum ComparisonCSV {
    /// Columns: `loss` (fraction 0-1), `transport`, `impaired`, `runs`, then for every figure its median
    /// under the JSON key (`latency_p99_ms`, ...) followed by `<key>_min` and `<key>_max`. Missing figures are
    /// empty fields. Lines end in `\n`, the last one too.
    public static func render(_ result: ComparisonReport) -> String {
        var lines = [columns.joined(separator: ",")]
        for point in result.orderedPoints {
            var fields = [ReportCSVField.number(point.loss), ReportCSVField.escape(point.transport.name), point.impaired ? "true" : "false", String(point.runs)]
            for metric in ComparisonMetric.allCases {
                let spread = metric.spread(of: point)
                fields += [ReportCSVField.number(spread.median), ReportCSVField.number(spread.min), ReportCSVField.number(spread.max)]
            }
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The header fields.
    static var columns: [String] {
        ["loss", "transport", "impaired", "runs"] + ComparisonMetric.allCases.flatMap { [$0.key, $0.key + "_min", $0.key + "_max"] }
    }
}
