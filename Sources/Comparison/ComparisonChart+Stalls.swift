import Foundation
import NetcodeTransport

extension ComparisonChart {
    /// Two stacked bar panels sharing the loss axis: stalls per minute above, longest stall below. Two
    /// panels read more easily than one with a secondary axis, and each keeps a zero baseline.
    static func drawStallPanels(_ result: ComparisonReport, layout: Layout, on canvas: inout SVGCanvas) {
        canvas.text("Stalls (>100 ms) per minute and longest stall vs loss", x: 530, y: 80, size: 14, weight: "bold", fill: "#111")
        drawBars(result, metric: .stallsPerMinute, layout: layout, top: layout.plotTop, bottom: 216, title: "stalls / min",
                 empty: "no stalls over 100 ms at any loss level", on: &canvas)
        drawBars(result, metric: .longestStall, layout: layout, top: 248, bottom: layout.plotBottom, title: "longest stall, ms",
                 empty: "no stall lengths recorded", on: &canvas)
        drawLossAxis(layout, bands: layout.stallBands, on: &canvas)
        drawStallLegend(result, on: &canvas)
    }

    static func drawBars(
        _ result: ComparisonReport, metric: ComparisonMetric, layout: Layout, top: Double, bottom: Double, title: String, empty: String,
        on canvas: inout SVGCanvas
    ) {
        let bands = layout.stallBands
        canvas.text(title, x: 548, y: (top + bottom) / 2, size: 12, anchor: .middle, fill: "#222", rotate: true)
        let transports = result.transports
        let values = result.points.flatMap { point -> [Double] in
            let spread = metric.spread(of: point)
            return [spread.median, spread.max].compactMap { $0?.finiteOrNil }
        }
        // Few loss levels leave room to print each bar's value, which makes small bars readable; leave
        // headroom above the tallest bar for its label.
        let labelled = layout.losses.count <= 6
        let scale = ChartLinearScale(maximum: (values.max() ?? 0) * (labelled ? 1.15 : 1), top: top, bottom: bottom)
        drawGrid(ticks: scale.ticks.map { (scale.y($0), ReportFormat.plain($0)) }, left: bands.start, right: bands.end, on: &canvas)
        if bottom != layout.plotBottom { canvas.line(bands.start, bottom, bands.end, bottom, stroke: "#444") }
        guard values.contains(where: { $0 > 0 }) else {
            canvas.text(empty, x: (bands.start + bands.end) / 2, y: (top + bottom) / 2 + 4, size: 12, anchor: .middle, fill: "#777")
            return
        }
        let barWidth = min(24, bands.bandWidth * 0.7 / Double(max(transports.count, 1)))
        for (index, loss) in layout.losses.enumerated() {
            for (slot, transport) in transports.enumerated() {
                guard let point = result.point(loss: loss, transport: transport) else { continue }
                let spread = metric.spread(of: point)
                guard let median = spread.median?.finiteOrNil else { continue }
                let x = bands.center(index) + (Double(slot) - Double(transports.count - 1) / 2) * (barWidth + 2)
                let color = transportColor(transport)
                let y = scale.y(median)
                if point.impaired {
                    canvas.rect(x: x - barWidth / 2, y: y, width: barWidth, height: bottom - y, fill: color, fillOpacity: 0.9)
                } else {
                    canvas.rect(x: x - barWidth / 2, y: y, width: barWidth, height: bottom - y, fill: color, stroke: color, fillOpacity: 0.22, dash: "3 2")
                }
                var labelY = y
                if point.runs > 1, let low = spread.min?.finiteOrNil, let high = spread.max?.finiteOrNil {
                    canvas.whisker(x: x, low: scale.y(low), high: scale.y(high), stroke: "#222", cap: min(4, barWidth / 3), width: 1)
                    labelY = min(labelY, scale.y(high))
                }
                if labelled {
                    canvas.text(metric.format(median), x: x, y: labelY - 3, size: 9.5, anchor: .middle, fill: "#333")
                }
            }
        }
    }

    static func drawStallLegend(_ result: ComparisonReport, on canvas: inout SVGCanvas) {
        var x = 592.0
        let y = 462.0
        let unimpaired = Set(result.unimpairedTransports)
        for transport in result.transports.prefix(3) {
            let color = transportColor(transport)
            canvas.rect(x: x, y: y - 10, width: 14, height: 12, fill: color, fillOpacity: 0.9)
            let name = ReportFormat.transportName(transport) + (unimpaired.contains(transport) ? "*" : "")
            canvas.text(name, x: x + 20, y: y, size: 12, weight: "bold", fill: color)
            x += 70
        }
        if let transport = result.unimpairedTransports.first {
            let color = transportColor(transport)
            canvas.rect(x: x, y: y - 10, width: 14, height: 12, fill: color, stroke: color, fillOpacity: 0.22, dash: "3 2")
            canvas.text("not impaired", x: x + 20, y: y, size: 11.5, fill: "#222")
        }
        if result.maxRuns > 1 {
            canvas.whisker(x: 599, low: y + 18, high: y + 6, stroke: "#222", cap: 4, width: 1)
            canvas.text("min–max over the runs", x: 612, y: y + 16, size: 11.5, fill: "#222")
        }
    }
}
