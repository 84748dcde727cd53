import Foundation
import NetcodeTransport

/// The comparison as a terminal table: the parameters, one row per loss level and transport (UDP, then TCP),
/// a footnote for rows that did not cross the impaired link, and what the figures show.
public enum ComparisonTable {
    /// Text width the prose is wrapped to; the table itself is as wide as its figures (about 120 columns
    /// with spreads).
    static let proseWidth = 100
    static let separator = "  "

    /// The report as plain text ending in a newline. Medians are shown; when a point has more than one run,
    /// a `min–max` line under its row gives the spread of each figure. Missing figures print as `–`.
    public static func render(_ result: ComparisonReport) -> String {
        var lines = header(result)
        lines.append("")
        lines += table(result)
        if let footnote = result.unimpairedFootnote {
            lines.append("")
            lines.append(contentsOf: ReportFormat.wrap("* " + footnote + ".", width: proseWidth))
        }
        lines.append("")
        lines.append("What this shows")
        for sentence in ComparisonFindings.sentences(result) {
            let wrapped = ReportFormat.wrap(sentence, width: proseWidth - 4)
            lines += wrapped.enumerated().map { ($0.offset == 0 ? "  - " : "    ") + $0.element }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func header(_ result: ComparisonReport) -> [String] {
        let label = { (name: String) in name.padding(toLength: 6, withPad: " ", startingAt: 0) }
        var lines = ["netcode compare: TCP vs UDP through the same impaired link"]
        let mode = result.modeName + (result.modeNote.isEmpty ? "" : " (\(result.modeNote))")
        lines += ReportFormat.wrap(mode, width: proseWidth).enumerated().map { (($0.offset == 0 ? label("mode") : label("")) + $0.element) }
        lines.append(
            label("link") + result.linkDescription + "; loss each way " + result.lossesDescription
                + "; extra impairment: " + result.extraImpairmentDescription)
        lines.append(
            label("play") + result.tickDescription + "; \(result.parameters.bots) bots; "
                + ReportFormat.seconds(result.parameters.secondsPerPoint) + " per point; " + result.runsDescription
                + "; seed \(result.parameters.seed)")
        let id = result.runID.map { "id \($0), " } ?? ""
        lines.append(
            label("run") + id + ReportFormat.timestamp(result.startedAt) + " to " + ReportFormat.timestamp(result.finishedAt)
                + " (" + ReportFormat.seconds(result.finishedAt.timeIntervalSince(result.startedAt)) + ")")
        return lines
    }

    /// Rows of cells; `nil` is a blank line between loss levels.
    static func cells(_ result: ComparisonReport) -> [[String]?] {
        let metrics = ComparisonMetric.allCases
        let spaced = result.points.contains { $0.runs > 1 }
        var rows: [[String]?] = []
        var previousLoss: Double?
        for point in result.orderedPoints {
            if spaced, let previousLoss, abs(previousLoss - point.loss) >= 1e-9 { rows.append(nil) }
            previousLoss = point.loss
            let transport = point.transport.name + (point.impaired ? "" : "*")
            rows.append([ReportFormat.lossPercent(point.loss), transport] + metrics.map { $0.format($0.spread(of: point).median) })
            if point.runs > 1 {
                rows.append(["", "min–max"] + metrics.map { $0.formatRange($0.spread(of: point)) })
            }
        }
        return rows
    }

    static func table(_ result: ComparisonReport) -> [String] {
        let metrics = ComparisonMetric.allCases
        let headings = ["loss", "transport"] + metrics.map(\.heading)
        let rows = cells(result)
        var widths = headings.map(\.count)
        for row in rows.compactMap({ $0 }) {
            for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
        }

        // Group headings span runs of columns; a long heading widens the first column of its run.
        var spans: [(label: String, first: Int, last: Int)] = []
        for (offset, metric) in metrics.enumerated() where !metric.group.isEmpty {
            let column = offset + 2
            if let last = spans.last, last.label == metric.group, last.last == column - 1 {
                spans[spans.count - 1].last = column
            } else {
                spans.append((metric.group, column, column))
            }
        }
        let spanWidth = { (span: (label: String, first: Int, last: Int)) in
            widths[span.first...span.last].reduce(0, +) + separator.count * (span.last - span.first)
        }
        for span in spans where span.label.count > spanWidth(span) {
            widths[span.first] += span.label.count - spanWidth(span)
        }

        var groupLine = ""
        var column = 0
        for span in spans {
            while column < span.first {
                groupLine += String(repeating: " ", count: widths[column]) + separator
                column += 1
            }
            let width = spanWidth(span)
            let left = (width - span.label.count) / 2
            groupLine += String(repeating: " ", count: left) + span.label + String(repeating: " ", count: width - left - span.label.count)
            groupLine += separator
            column = span.last + 1
        }

        let line = { (cells: [String]) -> String in
            cells.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column == 1 ? cell + pad : pad + cell
            }.joined(separator: separator)
        }
        let headingLine = line(headings)
        var lines = [trimmed(groupLine), headingLine, String(repeating: "─", count: headingLine.count)]
        lines += rows.map { $0.map { trimmed(line($0)) } ?? "" }
        return lines
    }

    private static func trimmed(_ text: String) -> String {
        var text = text
        while text.last == " " { text.removeLast() }
        return text
    }
}
