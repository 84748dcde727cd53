import Testing

@testable import NetcodeProtocol

@Suite("Position quantization")
struct QuantizerTests {
    @Test("the round-trip error stays within the documented bound over random positions")
    func errorBound() {
        var generator = RealtimeFixtures.Random(seed: 9)
        for (width, height) in [(Float(64), Float(64)), (200, 50), (1, 3.5)] {
            let quantizer = Quantizer(width: width, height: height)
            var worstX: Float = 0
            var worstY: Float = 0
            for _ in 0..<100_000 {
                let x = Float.random(in: 0...width, using: &generator)
                let y = Float.random(in: 0...height, using: &generator)
                worstX = max(worstX, abs(quantizer.dequantizeX(quantizer.quantizeX(x)) - x))
                worstY = max(worstY, abs(quantizer.dequantizeY(quantizer.quantizeY(y)) - y))
            }
            #expect(worstX <= quantizer.maxErrorX, "x error \(worstX) over \(quantizer.maxErrorX) for width \(width)")
            #expect(worstY <= quantizer.maxErrorY, "y error \(worstY) over \(quantizer.maxErrorY) for height \(height)")
            // The bound is tight: the worst error seen is close to half a step.
            #expect(worstX > quantizer.maxErrorX * 0.9)
        }
        #expect(Quantizer(width: 64, height: 64).maxErrorX < 0.0005)
    }

    @Test("edges, out-of-range values and NaN")
    func edges() {
        let quantizer = Quantizer(width: 64, height: 32)
        #expect(quantizer.quantizeX(0) == 0)
        #expect(quantizer.quantizeX(64) == 65535)
        #expect(quantizer.quantizeY(32) == 65535)
        #expect(quantizer.quantizeX(-5) == 0)
        #expect(quantizer.quantizeX(1000) == 65535)
        #expect(quantizer.quantizeX(.nan) == 0)
        #expect(quantizer.quantizeX(.infinity) == 65535)
        #expect(quantizer.dequantizeX(65535) == 64)
        #expect(quantizer.dequantizeY(0) == 0)
    }
}
