/// Readers for the values users type on command lines and in scenario files.
extension ImpairmentProfile {
    /// Reads a probability written as a percentage (`"5%"`, `"0.5%"`) or a fraction (`"0.05"`).
    ///
    /// A bare number above 1 is refused rather than guessed at: `"5"` could mean 5% or a typo.
    public static func parsePercent(_ text: String) throws(LinkProfileError) -> Double {
        let trimmed = text.trimmingASCIIWhitespace()
        let isPercent = trimmed.hasSuffix("%")
        let number = isPercent ? trimmed.dropLast().trimmingASCIIWhitespace() : trimmed
        let allowed = "0123456789.eE+-"
        guard !number.isEmpty, number.allSatisfy({ allowed.contains($0) }),
            let parsed = Double(isPercent ? "\(number)e-2" : String(number)), parsed.isFinite
        else {
            throw LinkProfileError(
                .invalidPercent,
                "\"\(text)\" is not a fraction or percentage; write it like \"5%\" or \"0.05\""
            )
        }
        guard parsed >= 0 else {
            throw LinkProfileError(.outOfRange, "\"\(text)\" is negative; probabilities go from 0% to 100%")
        }
        guard parsed <= 1 else {
            if isPercent {
                throw LinkProfileError(.outOfRange, "\"\(text)\" is above 100%")
            }
            throw LinkProfileError(
                .outOfRange,
                "\"\(text)\" is above 1; fractions go from 0 to 1, so write \"\(number)%\" for \(number) percent"
            )
        }
        return parsed
    }

    /// Reads a duration with a unit: `"40ms"`, `"1.5s"`, `"250us"` (also `µs`), `"800ns"`.
    ///
    /// A bare number is refused because tools disagree on its unit (netem reads microseconds, most game
    /// engines milliseconds).
    public static func parseDuration(_ text: String) throws(LinkProfileError) -> Duration {
        let (number, unit) = DecimalText.splitUnit(text)
        guard !number.isEmpty else {
            throw LinkProfileError(
                .invalidDuration,
                "\"\(text)\" is not a duration; write a non-negative number and a unit, like \"40ms\", \"1s\" or \"250us\""
            )
        }
        let nanosecondsPerUnit: Int
        switch unit {
        case "ns": nanosecondsPerUnit = 1
        case "us", "µs", "μs": nanosecondsPerUnit = 1_000
        case "ms": nanosecondsPerUnit = 1_000_000
        case "s": nanosecondsPerUnit = 1_000_000_000
        case "":
            throw LinkProfileError(
                .invalidDuration,
                "\"\(text)\" has no unit; write it like \"\(number)ms\", \"1s\" or \"250us\""
            )
        default:
            throw LinkProfileError(
                .invalidDuration,
                "\"\(text)\" has an unknown unit \"\(unit)\"; use ns, us, ms or s"
            )
        }
        do {
            return .nanoseconds(try DecimalText.scaled(number, by: nanosecondsPerUnit))
        } catch {
            switch error {
            case .notANumber:
                throw LinkProfileError(
                    .invalidDuration,
                    "\"\(text)\" is not a duration; write a non-negative number and a unit, like \"40ms\""
                )
            case .tooPrecise:
                throw LinkProfileError(.invalidDuration, "\"\(text)\" is finer than one nanosecond")
            case .tooLarge:
                throw LinkProfileError(.outOfRange, "\"\(text)\" is too long")
            }
        }
    }

    /// Reads a bit rate in tc's units: `"1mbit"`, `"500kbit"`, `"2.5mbit"`, `"64000bit"`, `"1gbit"`
    /// (powers of 1000; `/s` may follow).
    ///
    /// `kbps`-style units are refused: tc reads them as bytes per second, most people as bits.
    public static func parseRate(_ text: String) throws(LinkProfileError) -> Int {
        let (number, rawUnit) = DecimalText.splitUnit(text)
        let unit = rawUnit.hasSuffix("/s") ? String(rawUnit.dropLast(2)) : rawUnit
        guard !number.isEmpty else {
            throw LinkProfileError(
                .invalidRate,
                "\"\(text)\" is not a rate; write a positive number and a unit, like \"1mbit\" or \"500kbit\""
            )
        }
        let bitsPerUnit: Int
        switch unit {
        case "bit": bitsPerUnit = 1
        case "kbit": bitsPerUnit = 1_000
        case "mbit": bitsPerUnit = 1_000_000
        case "gbit": bitsPerUnit = 1_000_000_000
        case "bps", "kbps", "mbps", "gbps":
            let bits = unit.dropLast(3) + "bit"
            throw LinkProfileError(
                .invalidRate,
                "\"\(text)\" is ambiguous (tc reads \"\(unit)\" as bytes per second); write \"\(number)\(bits)\" for bits per second"
            )
        case "":
            throw LinkProfileError(
                .invalidRate,
                "\"\(text)\" has no unit; write it like \"\(number)kbit\" or \"\(number)mbit\""
            )
        default:
            throw LinkProfileError(
                .invalidRate,
                "\"\(text)\" has an unknown unit \"\(rawUnit)\"; use bit, kbit, mbit or gbit"
            )
        }
        let bits: Int
        do {
            bits = try DecimalText.scaled(number, by: bitsPerUnit)
        } catch {
            switch error {
            case .notANumber:
                throw LinkProfileError(.invalidRate, "\"\(text)\" is not a rate; write it like \"1mbit\"")
            case .tooPrecise:
                throw LinkProfileError(.invalidRate, "\"\(text)\" is not a whole number of bits per second")
            case .tooLarge:
                throw LinkProfileError(.outOfRange, "\"\(text)\" is too large")
            }
        }
        guard bits > 0 else {
            throw LinkProfileError(.outOfRange, "\"\(text)\" is zero; a link needs a positive rate")
        }
        return bits
    }

    /// Reads a byte count: `"1500"`, `"64kb"` (1000 bytes each), `"64kib"` (1024), `"1mb"`, `"1mib"`,
    /// with an optional `b`/`bytes` unit.
    public static func parseByteCount(_ text: String) throws(LinkProfileError) -> Int {
        let (number, unit) = DecimalText.splitUnit(text)
        guard !number.isEmpty else {
            throw LinkProfileError(
                .invalidByteCount,
                "\"\(text)\" is not a byte count; write it like \"1500\" or \"64kb\""
            )
        }
        let bytesPerUnit: Int
        switch unit {
        case "", "b", "byte", "bytes": bytesPerUnit = 1
        case "kb": bytesPerUnit = 1_000
        case "kib": bytesPerUnit = 1_024
        case "mb": bytesPerUnit = 1_000_000
        case "mib": bytesPerUnit = 1_048_576
        default:
            throw LinkProfileError(
                .invalidByteCount,
                "\"\(text)\" has an unknown unit \"\(unit)\"; use b, kb, kib, mb or mib"
            )
        }
        do {
            return try DecimalText.scaled(number, by: bytesPerUnit)
        } catch {
            if case .tooLarge = error {
                throw LinkProfileError(.outOfRange, "\"\(text)\" is too large")
            }
            throw LinkProfileError(
                .invalidByteCount,
                "\"\(text)\" is not a whole number of bytes; write it like \"1500\" or \"64kb\""
            )
        }
    }
}

extension GilbertElliott {
    /// Reads `"p/r"`, `"p/r/lossInBad"` or `"p/r/lossInBad/lossInGood"`, each a percentage or fraction,
    /// in the order of netem's `loss gemodel p r 1-h 1-k`. Example: `"1%/30%"`.
    public static func parse(_ text: String) throws(LinkProfileError) -> GilbertElliott {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard (2...4).contains(parts.count) else {
            throw LinkProfileError(
                .invalidPercent,
                "\"\(text)\" is not a burst model; write \"pGoodToBad/pBadToGood\" such as \"1%/30%\", optionally followed by \"/lossInBad/lossInGood\""
            )
        }
        let names = ["pGoodToBad", "pBadToGood", "lossInBad", "lossInGood"]
        var values: [Double] = []
        for (name, part) in zip(names, parts) {
            do {
                values.append(try ImpairmentProfile.parsePercent(part))
            } catch {
                throw error.at(name)
            }
        }
        return GilbertElliott(
            pGoodToBad: values[0],
            pBadToGood: values[1],
            lossInBad: values.count > 2 ? values[2] : 1,
            lossInGood: values.count > 3 ? values[3] : 0
        )
    }
}
