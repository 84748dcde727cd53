/// Exact reading of decimal text such as `1.5` scaled by a unit, so `"1.5ms"` becomes exactly
/// 1 500 000 ns without binary floating-point rounding.
enum DecimalText {
    enum Failure: Error {
        /// Not a plain non-negative decimal number.
        case notANumber
        /// The value has more decimal places than the unit can express as a whole number.
        case tooPrecise
        /// The value does not fit in 63 bits once scaled.
        case tooLarge
    }

    /// `text * scale` as an exact integer.
    static func scaled(_ text: Substring, by scale: Int) throws(Failure) -> Int {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = parts[0]
        var fraction = parts.count == 2 ? parts[1] : ""
        guard !(whole.isEmpty && fraction.isEmpty),
            (whole + fraction).allSatisfy({ $0.isASCII && $0.isNumber })
        else { throw .notANumber }
        while fraction.last == "0" { fraction.removeLast() }
        guard fraction.count <= 18 else { throw .tooPrecise }

        var value = 0
        for digit in whole {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int(digit.asciiValue! - 48))
            guard !o1, !o2 else { throw .tooLarge }
            value = sum
        }
        let (scaledWhole, o3) = value.multipliedReportingOverflow(by: scale)
        guard !o3 else { throw .tooLarge }

        var numerator = 0
        var denominator = 1
        for digit in fraction {
            numerator = numerator * 10 + Int(digit.asciiValue! - 48)
            denominator *= 10
        }
        // numerator * scale can exceed 64 bits (18 digits times a billion), so divide at full width.
        let product = numerator.multipliedFullWidth(by: scale)
        let (quotient, remainder) = denominator.dividingFullWidth(product)
        guard remainder == 0 else { throw .tooPrecise }
        let (total, o4) = scaledWhole.addingReportingOverflow(quotient)
        guard !o4 else { throw .tooLarge }
        return total
    }

    /// Splits `"40ms"` or `"40 ms"` into the number and the lowercased unit.
    static func splitUnit(_ text: String) -> (number: Substring, unit: String) {
        let trimmed = text.trimmingASCIIWhitespace()
        let numberEnd = trimmed.firstIndex { !($0.isASCII && ($0.isNumber || $0 == ".")) } ?? trimmed.endIndex
        let unit = trimmed[numberEnd...].trimmingASCIIWhitespace().lowercased()
        return (trimmed[..<numberEnd], unit)
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and newlines (no Foundation needed).
    func trimmingASCIIWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        let start = self.firstIndex { !isSpace($0) } ?? self.endIndex
        let end = self.lastIndex { !isSpace($0) }.map { self.index(after: $0) } ?? start
        return Substring(self[start..<Swift.max(start, end)])
    }
}
