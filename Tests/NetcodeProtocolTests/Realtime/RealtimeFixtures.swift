import NIOCore
import SeededRandom

@testable import NetcodeProtocol

/// Shared helpers for the realtime tests.
enum RealtimeFixtures {
    /// The project's seeded generator, so every test run sees the same numbers.
    typealias Random = SplitMix64

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
