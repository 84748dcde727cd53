/// Writers for the same notations the parsers read, so a formatted value always parses back to itself.
extension ImpairmentProfile {
    /// `"40ms"`, `"1s"`, `"250us"`, `"7ns"`: the largest unit that keeps the value whole.
    public static func formatDuration(_ duration: Duration) -> String {
        let nanoseconds = Int(duration.wholeNanoseconds)
        if nanoseconds == 0 { return "0ms" }
        for (unit, size) in [("s", 1_000_000_000), ("ms", 1_000_000), ("us", 1_000)]
        where nanoseconds % size == 0 {
            return "\(nanoseconds / size)\(unit)"
        }
        return "\(nanoseconds)ns"
    }

    /// `"1mbit"`, `"500kbit"`, `"64001bit"`: the largest unit that keeps the value whole.
    public static func formatRate(_ bitsPerSecond: Int) -> String {
        for (unit, size) in [("gbit", 1_000_000_000), ("mbit", 1_000_000), ("kbit", 1_000)]
        where bitsPerSecond % size == 0 {
            return "\(bitsPerSecond / size)\(unit)"
        }
        return "\(bitsPerSecond)bit"
    }

    /// `"5%"` when that reads back exactly, otherwise the fraction (`"0.0123456789"`).
    public static func formatPercent(_ fraction: Double) -> String {
        var percent = "\(fraction * 100)"
        if percent.hasSuffix(".0") { percent.removeLast(2) }
        let candidate = percent + "%"
        if let back = try? parsePercent(candidate), back == fraction { return candidate }
        return "\(fraction)"
    }
}

extension Duration {
    /// The duration in whole nanoseconds (sub-nanosecond parts are dropped).
    var wholeNanoseconds: Int64 {
        let (seconds, attoseconds) = self.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
