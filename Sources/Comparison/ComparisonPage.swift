import Foundation
import NetcodeTransport

/// The comparison as one self-contained HTML page: chart, findings, results, parameters and method. Inline
/// CSS only; no scripts, fonts or other resources, so the file can be mailed or archived as is.
public enum ComparisonPage {
    /// The page, embedding `svg` (normally `ComparisonChart.svg(result)`) inline. Every piece of text from
    /// the result is escaped; `svg` is inserted as markup, minus any XML declaration.
    public static func html(_ result: ComparisonReport, svg: String) -> String {
        let title = "netcode compare: TCP vs UDP" + (result.runID.map { ", run \($0)" } ?? "")
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(ReportMarkup.escape(title))</title>
            <style>\(style)</style>
            </head>
            <body>
            <main>
            <h1>TCP vs UDP through the same impaired link</h1>
            <p class="mode"><strong>\(ReportMarkup.escape(result.modeName)) mode</strong>\(result.modeNote.isEmpty ? "" : ": " + ReportMarkup.escape(result.modeNote))</p>
            <p class="link">\(ReportMarkup.escape(ComparisonChart.subtitle(result)))</p>

            """
        html += "<figure class=\"chart\">\n\(inlineSVG(svg))\n</figure>\n"
        html += "<h2>What this shows</h2>\n<ul class=\"findings\">\n"
        html += ComparisonFindings.sentences(result).map { "<li>\(ReportMarkup.escape($0))</li>" }.joined(separator: "\n")
        html += "\n</ul>\n<h2>Results</h2>\n" + resultsTable(result)
        html += "<h2>Parameters</h2>\n" + parametersTable(result)
        html += "<h2>How this was measured</h2>\n" + method
        html += "</main>\n</body>\n</html>\n"
        return html
    }

    /// The chart without an XML declaration or doctype, which are not allowed inside HTML.
    static func inlineSVG(_ svg: String) -> String {
        var text = Substring(svg.trimmingCharacters(in: .whitespacesAndNewlines))
        while text.hasPrefix("<?") || text.hasPrefix("<!DOCTYPE") || text.hasPrefix("<!doctype") {
            guard let end = text.firstIndex(of: ">") else { break }
            text = text[text.index(after: end)...].drop { $0.isWhitespace }
        }
        return String(text)
    }

    static func resultsTable(_ result: ComparisonReport) -> String {
        let metrics = ComparisonMetric.allCases
        var groups: [(label: String, span: Int)] = []
        for metric in metrics {
            if let last = groups.last, last.label == metric.group, !metric.group.isEmpty {
                groups[groups.count - 1].span += 1
            } else {
                groups.append((metric.group, 1))
            }
        }
        var html = "<table class=\"results\">\n<thead>\n<tr><th rowspan=\"2\">loss</th><th rowspan=\"2\">transport</th>"
        var index = 0
        for group in groups {
            if group.label.isEmpty {
                html += "<th rowspan=\"2\" title=\"\(ReportMarkup.escape(metrics[index].title))\">\(ReportMarkup.escape(metrics[index].heading))</th>"
            } else {
                html += "<th colspan=\"\(group.span)\" class=\"group\">\(ReportMarkup.escape(group.label))</th>"
            }
            index += group.span
        }
        html += "</tr>\n<tr>"
        for metric in metrics where !metric.group.isEmpty {
            html += "<th title=\"\(ReportMarkup.escape(metric.title))\">\(ReportMarkup.escape(metric.heading))</th>"
        }
        html += "</tr>\n</thead>\n<tbody>\n"
        var previousLoss: Double?
        for point in result.orderedPoints {
            var classes: [String] = []
            if let previousLoss, abs(previousLoss - point.loss) >= 1e-9 { classes.append("new-loss") }
            if !point.impaired { classes.append("unimpaired") }
            previousLoss = point.loss
            html += "<tr" + (classes.isEmpty ? "" : " class=\"\(classes.joined(separator: " "))\"") + ">"
            html += "<td>\(ReportMarkup.escape(ReportFormat.lossPercent(point.loss)))</td>"
            html += "<td class=\"transport\">\(ReportMarkup.escape(point.transport.name))\(point.impaired ? "" : "*")</td>"
            for metric in metrics {
                let spread = metric.spread(of: point)
                html += "<td>\(ReportMarkup.escape(metric.format(spread.median)))"
                if point.runs > 1 { html += "<span class=\"range\">\(ReportMarkup.escape(metric.formatRange(spread)))</span>" }
                html += "</td>"
            }
            html += "</tr>\n"
        }
        html += "</tbody>\n</table>\n"
        var notes: [String] = []
        if result.maxRuns > 1 { notes.append("Medians; the small line under each figure is its min–max over the runs.") }
        notes.append("Missing figures show as \(ReportFormat.missing).")
        if let footnote = result.unimpairedFootnote { notes.append("* " + footnote + ".") }
        html += notes.map { "<p class=\"note\">\(ReportMarkup.escape($0))</p>\n" }.joined()
        return html
    }

    static func parametersTable(_ result: ComparisonReport) -> String {
        var html = "<table class=\"parameters\">\n<tbody>\n"
        for row in result.parameterRows {
            html += "<tr><th>\(ReportMarkup.escape(row.name))</th><td>\(ReportMarkup.escape(row.value))</td></tr>\n"
        }
        return html + "</tbody>\n</table>\n"
    }

    static let method = """
        <ul class="method">
        <li><strong>Snapshot latency</strong> is one-way: the server stamps every snapshot with its send time on the \
        machine's monotonic clock, which every process on one machine shares, and the bot subtracts that stamp from its \
        own reading of the same clock on arrival. No clock synchronisation is involved.</li>
        <li><strong>Display staleness</strong> is the age of what is on screen, sampled at every client frame. Clients \
        render through an interpolation buffer (two snapshot intervals behind the present by default), so on a perfect \
        link staleness equals that delay; when snapshots stop arriving the screen holds the last one and staleness grows.</li>
        <li><strong>Stalls</strong> are gaps of more than 100 ms between snapshot arrivals at a bot, counted per minute of \
        play per bot; the longest gap is reported too.</li>
        <li><strong>Delivery</strong> is distinct snapshots received over snapshots the server sent while the bot was \
        receiving; a snapshot that arrives after a newer one is not counted, since what it carried is already superseded.</li>
        <li><strong>Bytes per second</strong> counts realtime traffic per player, both directions together.</li>
        <li><strong>UDP and TCP</strong> carry the same messages at the same rate. Over UDP a lost snapshot is not resent: \
        the next one supersedes it. Over TCP the kernel's real TCP runs through the same link and retransmits what is lost, \
        with Linux's 200 ms minimum retransmission timeout (doubling on repeated loss), and everything sent after a lost \
        segment waits for it.</li>
        <li><strong>Modes</strong>: in lab mode both transports cross a real impaired link (network namespaces and a link \
        emulator), so TCP meets the same loss as UDP. In portable mode UDP is impaired inside the process and TCP runs over \
        unimpaired loopback, because nothing can impair kernel TCP honestly there; such rows are marked.</li>
        <li><strong>Runs</strong>: each loss level and transport is played for the stated seconds, as many times as the \
        runs parameter says; figures are medians over the runs, with min–max beside them when there is more than one.</li>
        </ul>

        """

    static let style = """
        body{margin:0;background:#fafafa;color:#1a1a1a;font:15px/1.5 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif}\
        main{max-width:1000px;margin:0 auto;padding:24px 20px 48px}\
        h1{font-size:24px;margin:0 0 6px}h2{font-size:18px;margin:32px 0 10px;border-bottom:1px solid #ddd;padding-bottom:4px}\
        p.mode{margin:4px 0}p.link{margin:4px 0 16px;color:#555}\
        figure.chart{margin:0;background:#fff;border:1px solid #ddd;border-radius:4px;overflow-x:auto}\
        figure.chart svg{display:block;max-width:100%;height:auto}\
        table{border-collapse:collapse;background:#fff}\
        table.results{font-size:13px;font-variant-numeric:tabular-nums;width:100%}\
        table.results th{background:#f0f0f0;font-weight:600;padding:4px 6px;border:1px solid #ddd;white-space:nowrap}\
        table.results td{padding:4px 6px;border:1px solid #e4e4e4;text-align:right;white-space:nowrap;vertical-align:top}\
        table.results td.transport{text-align:left;font-weight:600}\
        table.results tr.new-loss td{border-top:2px solid #bbb}\
        table.results tr.unimpaired td{background:#fff6ec}\
        span.range{display:block;font-size:11px;color:#777}\
        p.note{font-size:13px;color:#555;margin:6px 0}\
        table.parameters th{text-align:left;padding:3px 16px 3px 8px;border:1px solid #e4e4e4;background:#f6f6f6;font-weight:600;white-space:nowrap}\
        table.parameters td{padding:3px 8px;border:1px solid #e4e4e4}\
        ul.findings li,ul.method li{margin:4px 0}
        """
}
