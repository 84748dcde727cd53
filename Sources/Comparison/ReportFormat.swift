import Foundation
import NetcodeTransport

/// Number and label formatting shared by every comparison report, so the table, the page, the chart and the
/// derived sentences print the same figure the same way. Independent of the user's locale.
enum ReportFormat {
    /// Printed for a missing figure.
    static let missing = "–"

    /// `value` with a fixed number of decimals, always with a `.` separator.
    static func fixed(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }

    /// Decimals chosen by magnitude so columns stay short while small figures keep their meaning:
    /// 1234, 123, 12.3, 1.2, 0.25.
    static func magnitude(_ value: Double) -> String {
        let size = abs(value)
        if size == 0 { return "0" }
        if size >= 100 { return fixed(value, 0) }
        if size >= 1 { return fixed(value, 1) }
        return fixed(value, 2)
    }

    /// `value` with at most `decimals` decimals and no trailing zeros: 20 → "20", 2.5 → "2.5".
    static func plain(_ value: Double, decimals: Int = 2) -> String {
        var text = fixed(value, decimals)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    /// A loss fraction as a percentage without needless decimals: 0.05 → "5%", 0.005 → "0.5%".
    static func lossPercent(_ loss: Double) -> String {
        plain(loss * 100) + "%"
    }

    /// A ratio between two figures: "17×", "2.4×".
    static func ratio(_ value: Double) -> String {
        (abs(value) >= 10 ? fixed(value, 0) : fixed(value, 1)) + "×"
    }

    /// A duration in seconds: "20 s", "2.5 s", "3 min 20 s".
    static func seconds(_ value: Double) -> String {
        guard value.isFinite else { return missing }
        if value >= 120 {
            let whole = Int(value.rounded())
            return "\(whole / 60) min \(whole % 60) s"
        }
        return plain(value, decimals: 1) + " s"
    }

    /// A timestamp in UTC, ISO 8601, to the second.
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// Upper-case name of a transport for prose and legends ("udp" → "UDP").
    static func transportName(_ transport: UpdateTransport) -> String {
        transport.name.uppercased()
    }

    /// `text` broken into lines of at most `width` characters at spaces (a longer word gets a line of its own).
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            if current.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count <= width {
                current += " " + word
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// `text` cut to at most `limit` characters, with an ellipsis when cut.
    static func truncate(_ text: String, to limit: Int) -> String {
        guard text.count > limit else { return text }
        return String(text.prefix(max(0, limit - 1))) + "…"
    }
}

extension Double {
    /// The value when it is a real number; NaN and infinities count as missing in every report.
    var finiteOrNil: Double? { isFinite ? self : nil }
}
