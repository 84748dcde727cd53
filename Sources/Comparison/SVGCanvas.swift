import Foundation

/// A minimal SVG writer: elements with presentation attributes only (no `<style>`), so the chart can be
/// inlined into a page without its styles leaking, and every text and attribute value escaped.
struct SVGCanvas {
    private(set) var body: [String] = []

    /// A number for an attribute: two decimals at most, no trailing zeros, never exponent notation.
    static func number(_ value: Double) -> String {
        ReportFormat.plain(value)
    }

    mutating func element(_ name: String, _ attributes: [(String, String)], text: String? = nil) {
        let attributeText = attributes.map { " \($0.0)=\"\(ReportMarkup.escape($0.1))\"" }.joined()
        if let text {
            body.append("<\(name)\(attributeText)>\(ReportMarkup.escape(text))</\(name)>")
        } else {
            body.append("<\(name)\(attributeText)/>")
        }
    }

    mutating func raw(_ markup: String) { body.append(markup) }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double = 1, dash: String? = nil, opacity: Double? = nil) {
        var attributes = [("x1", Self.number(x1)), ("y1", Self.number(y1)), ("x2", Self.number(x2)), ("y2", Self.number(y2)), ("stroke", stroke), ("stroke-width", Self.number(width))]
        if let dash { attributes.append(("stroke-dasharray", dash)) }
        if let opacity { attributes.append(("stroke-opacity", Self.number(opacity))) }
        element("line", attributes)
    }

    enum Anchor: String { case start, middle, end }

    mutating func text(
        _ content: String, x: Double, y: Double, size: Double = 11, anchor: Anchor = .start, weight: String? = nil, fill: String = "#333", rotate: Bool = false
    ) {
        var attributes = [("x", Self.number(x)), ("y", Self.number(y)), ("font-size", Self.number(size)), ("text-anchor", anchor.rawValue), ("fill", fill)]
        if let weight { attributes.append(("font-weight", weight)) }
        if rotate { attributes.append(("transform", "rotate(-90 \(Self.number(x)) \(Self.number(y)))")) }
        element("text", attributes, text: content)
    }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, stroke: String? = nil, fillOpacity: Double? = nil, dash: String? = nil) {
        var attributes = [("x", Self.number(x)), ("y", Self.number(y)), ("width", Self.number(max(0, width))), ("height", Self.number(max(0, height))), ("fill", fill)]
        if let fillOpacity { attributes.append(("fill-opacity", Self.number(fillOpacity))) }
        if let stroke { attributes += [("stroke", stroke), ("stroke-width", "1.2")] }
        if let dash { attributes.append(("stroke-dasharray", dash)) }
        element("rect", attributes)
    }

    /// A vertical min–max whisker with caps.
    mutating func whisker(x: Double, low: Double, high: Double, stroke: String, cap: Double = 3, width: Double = 1.2, opacity: Double = 1) {
        line(x, low, x, high, stroke: stroke, width: width, opacity: opacity)
        line(x - cap, low, x + cap, low, stroke: stroke, width: width, opacity: opacity)
        line(x - cap, high, x + cap, high, stroke: stroke, width: width, opacity: opacity)
    }

    func document(width: Double, height: Double, title: String) -> String {
        let size = "width=\"\(Self.number(width))\" height=\"\(Self.number(height))\" viewBox=\"0 0 \(Self.number(width)) \(Self.number(height))\""
        let font = "font-family=\"Helvetica, Arial, 'DejaVu Sans', sans-serif\""
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" \(size) \(font) role=\"img\">\n"
            + "<title>\(ReportMarkup.escape(title))</title>\n"
            + body.joined(separator: "\n") + "\n</svg>\n"
    }
}
