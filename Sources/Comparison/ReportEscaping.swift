import Foundation
import NetcodeTransport

/// Escaping for the SVG and HTML reports. Both take text from outside (the mode note, the extra impairment
/// spec, transport names), which must never become markup.
enum ReportMarkup {
    /// `text` safe inside an element or a quoted attribute of XML or HTML. Characters XML 1.0 forbids
    /// (control characters other than tab, newline and return, and U+FFFE/U+FFFF) are dropped, so the SVG
    /// still parses.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                let value = scalar.value
                if value < 0x20 || value == 0x7F || value == 0xFFFE || value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// Fields of RFC 4180 CSV.
enum ReportCSVField {
    /// `text` quoted when it holds a comma, quote or line break.
    static func escape(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A number to 12 significant digits, enough for any figure measured here and free of binary noise
    /// (`24.15`, not `24.150000000000002`); empty when missing.
    static func number(_ value: Double?) -> String {
        guard let value = value?.finiteOrNil else { return "" }
        return String(format: "%.12g", value)
    }
}
