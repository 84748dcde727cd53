/// Maps positions in meters, within an arena of `width` x `height` starting at (0, 0), to 16-bit
/// integers and back.
///
/// `q = round(meters / size * 65535)`, clamped to 0...65535; back: `meters = q / 65535 * size`.
/// For a position inside the arena, the round trip is off by at most half a step, `size / 131070`
/// (0.49 mm in a 64 m arena), plus the rounding of the result to `Float` (at most half an ulp of
/// `size`, 0.004 mm at 64 m): see ``maxErrorX`` and ``maxErrorY``. Positions outside the arena clamp
/// to its edge; NaN maps to 0.
public struct Quantizer: Sendable, Hashable {
    public let width: Float
    public let height: Float

    /// - Precondition: both sizes finite and greater than 0.
    public init(width: Float, height: Float) {
        precondition(width.isFinite && width > 0 && height.isFinite && height > 0, "arena size must be finite and positive")
        self.width = width
        self.height = height
    }

    public func quantizeX(_ meters: Float) -> UInt16 { Self.quantize(meters, size: width) }
    public func quantizeY(_ meters: Float) -> UInt16 { Self.quantize(meters, size: height) }
    public func dequantizeX(_ value: UInt16) -> Float { Self.dequantize(value, size: width) }
    public func dequantizeY(_ value: UInt16) -> Float { Self.dequantize(value, size: height) }

    /// The largest round-trip error, in meters, for an x inside the arena.
    public var maxErrorX: Float { Self.maxError(size: width) }
    /// The largest round-trip error, in meters, for a y inside the arena.
    public var maxErrorY: Float { Self.maxError(size: height) }

    private static let steps = Double(UInt16.max)

    private static func quantize(_ meters: Float, size: Float) -> UInt16 {
        guard !meters.isNaN else { return 0 }
        let scaled = (Double(meters) / Double(size) * steps).rounded()
        return UInt16(min(max(scaled, 0), steps))
    }

    private static func dequantize(_ value: UInt16, size: Float) -> Float {
        Float(Double(value) / steps * Double(size))
    }

    private static func maxError(size: Float) -> Float {
        Float(Double(size) / (2 * steps)) + size.ulp / 2
    }
}
