import Foundation

/// Evenly spaced bands, one per loss level: the sweep's levels (0, 1, 2, 5, 10%) would bunch up on a
/// linear axis, and bars need bands anyway.
struct ChartBandScale {
    let count: Int
    let start: Double
    let end: Double

    var bandWidth: Double { (end - start) / Double(max(count, 1)) }
    func center(_ index: Int) -> Double { start + (Double(index) + 0.5) * bandWidth }
}

/// A log scale with ticks at 1-2-5 steps (or whole decades when the range is wide). Latency spans orders of
/// magnitude between UDP's p50 and TCP's p99.9, which a linear axis would flatten to the floor.
struct ChartLogScale {
    let low: Double
    let high: Double
    let top: Double
    let bottom: Double
    let ticks: [Double]

    /// A scale covering the positive `values`; nil when there are none.
    init?(values: [Double], top: Double, bottom: Double) {
        let positive = values.filter { $0 > 0 && $0.isFinite }
        guard let minimum = positive.min(), let maximum = positive.max() else { return nil }
        let steps = Self.steps(from: minimum, to: maximum)
        var low = steps.last { $0 <= minimum * (1 + 1e-9) } ?? minimum
        var high = steps.first { $0 >= maximum * (1 - 1e-9) } ?? maximum
        if high <= low {
            let index = steps.firstIndex { $0 >= low } ?? 0
            low = index > 0 ? steps[index - 1] : low / 2
            high = index + 1 < steps.count ? steps[index + 1] : high * 2
        }
        var ticks = steps.filter { $0 >= low * (1 - 1e-9) && $0 <= high * (1 + 1e-9) }
        if ticks.count > 9 {
            // Too many 1-2-5 ticks to label: whole decades, and widen the range to them.
            low = pow(10, floor(log10(low) + 1e-9))
            high = pow(10, ceil(log10(high) - 1e-9))
            ticks = steps.filter { $0 >= low * (1 - 1e-9) && $0 <= high * (1 + 1e-9) && Self.isDecade($0) }
        }
        if ticks.count < 3 {
            // A narrow range (UDP alone, or a clean link) would get one or two labels: use finer steps.
            let first = Int(floor(log10(low))), last = Int(ceil(log10(high)))
            let mantissas: [Double] = [1, 1.5, 2, 3, 4, 5, 6, 8]
            var finer: [Double] = []
            for exponent in first...last {
                let decade = pow(10, Double(exponent))
                finer += mantissas.map { $0 * decade }
            }
            ticks = finer.filter { $0 >= low * (1 - 1e-9) && $0 <= high * (1 + 1e-9) }
        }
        self.low = low
        self.high = high
        self.top = top
        self.bottom = bottom
        self.ticks = ticks
    }

    func y(_ value: Double) -> Double {
        let clamped = Swift.min(Swift.max(value, low), high)
        let fraction = (log10(clamped) - log10(low)) / (log10(high) - log10(low))
        return bottom - fraction * (bottom - top)
    }

    /// 1, 2, 5 × powers of ten from one decade below `minimum` to one above `maximum`.
    static func steps(from minimum: Double, to maximum: Double) -> [Double] {
        let first = Int(floor(log10(minimum))) - 1
        let last = Int(ceil(log10(maximum))) + 1
        return (first...last).flatMap { exponent in [1.0, 2, 5].map { $0 * pow(10, Double(exponent)) } }
    }

    static func isDecade(_ value: Double) -> Bool {
        let exponent = log10(value)
        return abs(exponent - exponent.rounded()) < 1e-9
    }
}

/// A linear scale from zero to a round maximum with about four ticks.
struct ChartLinearScale {
    let high: Double
    let top: Double
    let bottom: Double
    let ticks: [Double]

    init(maximum: Double, top: Double, bottom: Double) {
        let maximum = maximum.isFinite && maximum > 0 ? maximum : 1
        let raw = maximum / 4
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw * (1 - 1e-9) } ?? 10 * magnitude
        let high = (maximum / step - 1e-9).rounded(.up) * step
        self.high = high
        self.top = top
        self.bottom = bottom
        self.ticks = (0...Int((high / step).rounded())).map { Double($0) * step }
    }

    func y(_ value: Double) -> Double {
        bottom - Swift.min(Swift.max(value, 0), high) / high * (bottom - top)
    }
}
