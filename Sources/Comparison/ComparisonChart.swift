import Foundation
import NetcodeTransport

/// The comparison as one self-contained SVG (about 960×560): snapshot latency percentiles against loss on
/// the left (log scale), stalls per minute and the longest stall against loss on the right.
public enum ComparisonChart {
    static let width = 960.0
    static let height = 560.0

    /// An SVG document with no external fonts, images or scripts and no `<style>` element (presentation
    /// attributes only), so it can be written to a file or inlined in a page. Missing figures are skipped;
    /// when points have several runs, whiskers span each figure's min–max.
    public static func svg(_ result: ComparisonReport) -> String {
        var canvas = SVGCanvas()
        canvas.rect(x: 0, y: 0, width: width, height: height, fill: "#ffffff")
        canvas.text("TCP vs UDP through the same impaired link", x: 20, y: 28, size: 17, weight: "bold", fill: "#111")
        canvas.text(ReportFormat.truncate(subtitle(result), to: 150), x: 20, y: 48, size: 12, fill: "#444")

        let layout = Layout(result: result)
        drawLatencyPanel(result, layout: layout, on: &canvas)
        drawStallPanels(result, layout: layout, on: &canvas)
        drawFooter(result, on: &canvas)
        return canvas.document(width: width, height: height, title: "TCP vs UDP snapshot latency and stalls against loss")
    }

    static func subtitle(_ result: ComparisonReport) -> String {
        let runs = result.parameters.runs == 1 ? "1 run" : "median of \(result.parameters.runs) runs"
        return "link \(result.linkDescription) · extra: \(result.extraImpairmentDescription) · \(result.tickDescription) · "
            + "\(result.parameters.bots) bots · \(ReportFormat.seconds(result.parameters.secondsPerPoint)) per point · \(runs) · seed \(result.parameters.seed)"
    }

    static func drawFooter(_ result: ComparisonReport, on canvas: inout SVGCanvas) {
        var lines: [(text: String, colour: String)] = []
        if let footnote = result.unimpairedFootnote {
            lines.append(("* \(footnote) (hollow markers, pale dashed bars).", "#8a3b00"))
        }
        lines.append(("mode: \(result.modeName)" + (result.modeNote.isEmpty ? "" : ": \(result.modeNote)"), "#555"))
        var run = result.runID.map { "run \($0) · " } ?? ""
        run += "started \(ReportFormat.timestamp(result.startedAt))"
        if result.maxRuns > 1 { run += " · lines and bars are medians; whiskers span min–max over the runs" }
        lines.append((run, "#555"))
        for (offset, line) in lines.enumerated() {
            canvas.text(ReportFormat.truncate(line.text, to: 160), x: 20, y: 514 + Double(offset) * 17, size: 11, fill: line.colour)
        }
    }

    /// Where things go; shared by the panels.
    struct Layout {
        let losses: [Double]
        let latencyBands: ChartBandScale
        let stallBands: ChartBandScale
        let plotTop = 96.0
        let plotBottom = 400.0

        init(result: ComparisonReport) {
            losses = result.lossLevels
            latencyBands = ChartBandScale(count: max(losses.count, 1), start: 80, end: 450)
            stallBands = ChartBandScale(count: max(losses.count, 1), start: 592, end: 935)
        }
    }

    static func transportColor(_ transport: UpdateTransport) -> String {
        switch transport {
        case .udp: "#2171b5"
        case .tcp: "#d94801"
        default: "#238b45"
        }
    }

    /// The loss labels under a panel, and its axis title.
    static func drawLossAxis(_ layout: Layout, bands: ChartBandScale, on canvas: inout SVGCanvas) {
        let bottom = layout.plotBottom
        canvas.line(bands.start, bottom, bands.end, bottom, stroke: "#444")
        for (index, loss) in layout.losses.enumerated() {
            let x = bands.center(index)
            canvas.line(x, bottom, x, bottom + 4, stroke: "#444")
            canvas.text(ReportFormat.lossPercent(loss), x: x, y: bottom + 17, anchor: .middle)
        }
        canvas.text("random loss each way", x: (bands.start + bands.end) / 2, y: bottom + 36, size: 12, anchor: .middle, fill: "#222")
    }

    /// Horizontal grid lines with labels left of the plot.
    static func drawGrid(ticks: [(y: Double, label: String)], left: Double, right: Double, on canvas: inout SVGCanvas) {
        for tick in ticks {
            canvas.line(left, tick.y, right, tick.y, stroke: "#e3e3e3")
            canvas.text(tick.label, x: left - 6, y: tick.y + 4, size: 10.5, anchor: .end, fill: "#555")
        }
    }
}
