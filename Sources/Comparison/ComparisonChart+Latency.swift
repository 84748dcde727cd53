import Foundation
import NetcodeTransport

extension ComparisonChart {
    /// One line of the latency panel: a transport's percentile.
    struct LatencySeries {
        let transport: UpdateTransport
        let metric: ComparisonMetric
        let label: String
        let color: String
        /// Dashed for p50, solid for p99, dotted for p99.9: tells percentiles apart without colour.
        let dash: String?
        let width: Double

        static func all(for transports: [UpdateTransport]) -> [LatencySeries] {
            transports.flatMap { transport in
                let shades: [String] =
                    switch transport {
                    case .udp: ["#6baed6", "#2171b5", "#08306b"]
                    case .tcp: ["#fd8d3c", "#d94801", "#7f2704"]
                    default: ["#74c476", "#238b45", "#00441b"]
                    }
                return [
                    LatencySeries(transport: transport, metric: .latencyP50, label: "p50", color: shades[0], dash: "7 4", width: 2),
                    LatencySeries(transport: transport, metric: .latencyP99, label: "p99", color: shades[1], dash: nil, width: 2.2),
                    LatencySeries(transport: transport, metric: .latencyP999, label: "p99.9", color: shades[2], dash: "0.1 4.5", width: 2.8),
                ]
            }
        }
    }

    static func drawLatencyPanel(_ result: ComparisonReport, layout: Layout, on canvas: inout SVGCanvas) {
        let bands = layout.latencyBands
        canvas.text("Snapshot latency vs loss", x: 20, y: 80, size: 14, weight: "bold", fill: "#111")
        canvas.text("snapshot latency, ms (log scale)", x: 24, y: (layout.plotTop + layout.plotBottom) / 2, size: 12, anchor: .middle, fill: "#222", rotate: true)

        let series = LatencySeries.all(for: result.transports)
        let points = { (transport: UpdateTransport) in layout.losses.map { result.point(loss: $0, transport: transport) } }
        var values: [Double] = []
        for line in series {
            for point in points(line.transport).compactMap({ $0 }) {
                let spread = line.metric.spread(of: point)
                values += [spread.median, spread.min, spread.max].compactMap { $0?.finiteOrNil }
            }
        }
        guard let scale = ChartLogScale(values: values, top: layout.plotTop, bottom: layout.plotBottom - 8) else {
            canvas.text("no latency figures", x: (bands.start + bands.end) / 2, y: (layout.plotTop + layout.plotBottom) / 2, size: 12, anchor: .middle, fill: "#777")
            drawLossAxis(layout, bands: bands, on: &canvas)
            drawLatencyLegend([], result: result, on: &canvas)
            return
        }
        drawGrid(ticks: scale.ticks.map { (scale.y($0), ReportFormat.plain($0)) }, left: bands.start, right: bands.end, on: &canvas)
        drawLossAxis(layout, bands: bands, on: &canvas)

        let transports = result.transports
        for line in series {
            let linePoints = points(line.transport)
            // Each transport sits a little to its own side of the loss tick so equal figures stay visible, and
            // each percentile's whisker a little to the side of that, so six whiskers at one level stay apart.
            let slot = Double(transports.firstIndex(of: line.transport) ?? 0) - Double(transports.count - 1) / 2
            let shift = slot * min(10, bands.bandWidth * 0.08)
            let rank = Double(series.filter { $0.transport == line.transport }.firstIndex { $0.metric == line.metric } ?? 0)
            let dodge = (rank - 1) * 3
            var path = ""
            var drawing = false
            for (index, point) in linePoints.enumerated() {
                guard let point, let median = line.metric.spread(of: point).median?.finiteOrNil else {
                    drawing = false
                    continue
                }
                let x = bands.center(index) + shift, y = scale.y(median)
                path += (drawing ? " L" : (path.isEmpty ? "M" : " M")) + "\(SVGCanvas.number(x)) \(SVGCanvas.number(y))"
                drawing = true
                let spread = line.metric.spread(of: point)
                if point.runs > 1, let low = spread.min?.finiteOrNil, let high = spread.max?.finiteOrNil {
                    canvas.whisker(x: x + dodge, low: scale.y(low), high: scale.y(high), stroke: line.color, cap: 2, opacity: 0.75)
                }
            }
            guard !path.isEmpty else { continue }
            var attributes = [
                ("d", path), ("fill", "none"), ("stroke", line.color), ("stroke-width", SVGCanvas.number(line.width)),
                ("stroke-linecap", "round"), ("stroke-linejoin", "round"), ("data-series", "\(line.transport) \(line.label)"),
            ]
            if let dash = line.dash { attributes.append(("stroke-dasharray", dash)) }
            canvas.element("path", attributes)
            for (index, point) in linePoints.enumerated() {
                guard let point, let median = line.metric.spread(of: point).median?.finiteOrNil else { continue }
                drawMarker(transport: line.transport, x: bands.center(index) + shift, y: scale.y(median), color: line.color, hollow: !point.impaired, on: &canvas)
            }
        }
        drawLatencyLegend(series, result: result, on: &canvas)
    }

    /// Circles for UDP, squares for TCP, so the transports differ in shape as well as colour; hollow when the
    /// point did not cross the impaired link.
    static func drawMarker(transport: UpdateTransport, x: Double, y: Double, color: String, hollow: Bool, size: Double = 3.4, on canvas: inout SVGCanvas) {
        let fill = hollow ? "#ffffff" : color
        if transport == .tcp {
            canvas.element("rect", [
                ("x", SVGCanvas.number(x - size)), ("y", SVGCanvas.number(y - size)), ("width", SVGCanvas.number(2 * size)),
                ("height", SVGCanvas.number(2 * size)), ("fill", fill), ("stroke", color), ("stroke-width", "1.3"),
            ])
        } else {
            canvas.element("circle", [
                ("cx", SVGCanvas.number(x)), ("cy", SVGCanvas.number(y)), ("r", SVGCanvas.number(size)), ("fill", fill), ("stroke", color), ("stroke-width", "1.3"),
            ])
        }
    }

    static func drawLatencyLegend(_ series: [LatencySeries], result: ComparisonReport, on canvas: inout SVGCanvas) {
        let unimpaired = Set(result.unimpairedTransports)
        for (row, transport) in result.transports.prefix(3).enumerated() {
            let y = 462 + Double(row) * 20
            let name = ReportFormat.transportName(transport) + (unimpaired.contains(transport) ? "*" : "")
            canvas.text(name, x: 80, y: y, size: 12, weight: "bold", fill: transportColor(transport))
            for (column, line) in series.filter({ $0.transport == transport }).enumerated() {
                let x = 128 + Double(column) * 105
                var attributes = [
                    ("d", "M\(SVGCanvas.number(x)) \(SVGCanvas.number(y - 4)) L\(SVGCanvas.number(x + 34)) \(SVGCanvas.number(y - 4))"),
                    ("fill", "none"), ("stroke", line.color), ("stroke-width", SVGCanvas.number(line.width)), ("stroke-linecap", "round"),
                ]
                if let dash = line.dash { attributes.append(("stroke-dasharray", dash)) }
                canvas.element("path", attributes)
                drawMarker(transport: transport, x: x + 17, y: y - 4, color: line.color, hollow: false, size: 3, on: &canvas)
                canvas.text(line.label, x: x + 40, y: y, size: 11.5, fill: "#222")
            }
        }
    }
}
