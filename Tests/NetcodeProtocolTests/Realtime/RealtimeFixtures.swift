import NIOCore

@testable import NetcodeProtocol

/// Shared helpers for the realtime tests.
enum RealtimeFixtures {
    /// SplitMix64: a small seeded generator so every test run sees the same numbers.
    struct Random: RandomNumberGenerator {
        private var state: UInt64

        init(seed: UInt64) {
            state = seed
        }

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        /// True with probability `p`.
        mutating func chance(_ p: Double) -> Bool {
            Double.random(in: 0..<1, using: &self) < p
        }
    }

    static let sessionID: UInt32 = 0x0102_0304
    /// 0x00, 0x01, ... 0x1F.
    static let keyBytes: [UInt8] = Array(0..<32)

    static func connectionPair() -> (client: RealtimeConnection, server: RealtimeConnection) {
        (
            RealtimeConnection(sessionID: sessionID, keyBytes: keyBytes),
            RealtimeConnection(sessionID: sessionID, keyBytes: keyBytes)
        )
    }

    static func buffer(_ bytes: [UInt8]) -> ByteBuffer {
        ByteBuffer(bytes: bytes)
    }

    static func bytes(_ buffer: ByteBuffer) -> [UInt8] {
        Array(buffer.readableBytesView)
    }

    static func hex(_ buffer: ByteBuffer) -> String {
        bytes(buffer).map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }

    static let millisecond: UInt64 = 1_000_000
}

extension OpenResult {
    var isAccepted: Bool {
        if case .accepted = self { return true }
        return false
    }

    var dropReason: DropReason? {
        if case .dropped(let reason) = self { return reason }
        return nil
    }

    var newlyAcked: [UInt64] {
        if case .accepted(_, _, let acked) = self { return Array(acked) }
        return []
    }

    var payload: ByteBuffer? {
        if case .accepted(_, let payload, _) = self { return payload }
        return nil
    }
}
