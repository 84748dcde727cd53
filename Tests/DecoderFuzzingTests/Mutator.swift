/// libFuzzer's cheapest mutations (bit flips, interesting bytes, inserts, deletes, truncation, splices
/// of two inputs), driven by a seeded generator so a failure names the seed that reproduces it.
struct Mutator {
    private var state: UInt64

    init(seed: UInt64) { self.state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ bound: Int) -> Int { bound <= 0 ? 0 : Int(next() % UInt64(bound)) }

    static let interesting: [UInt8] = [0, 1, 0x7F, 0x80, 0xFF, 0xFE, 0x20, 0x0A, 0x22, 0x25, 0x2C, 0x3D]

    /// One to four mutations of `input`, sometimes spliced with `other`.
    mutating func mutate(_ input: [UInt8], other: [UInt8]) -> [UInt8] {
        var bytes = input
        for _ in 0...below(4) {
            switch below(7) {
            case 0 where !bytes.isEmpty: bytes[below(bytes.count)] ^= UInt8(1) << UInt8(below(8))
            case 1 where !bytes.isEmpty: bytes[below(bytes.count)] = Self.interesting[below(Self.interesting.count)]
            case 2: bytes.insert(UInt8(truncatingIfNeeded: next()), at: below(bytes.count + 1))
            case 3 where !bytes.isEmpty: bytes.remove(at: below(bytes.count))
            case 4: bytes = Array(bytes.prefix(below(bytes.count + 1)))
            case 5: bytes = Array(bytes.prefix(below(bytes.count + 1))) + other.suffix(below(other.count + 1))
            default:
                // A run of the same byte: long lengths, repeated separators.
                let run = [UInt8](repeating: Self.interesting[below(Self.interesting.count)], count: 1 + below(300))
                bytes.insert(contentsOf: run, at: below(bytes.count + 1))
            }
        }
        return bytes
    }
}
