import Crypto
import NIOCore

/// Computes and checks packet tags: the first 16 bytes of
/// HMAC-SHA256(key, extended sequence as 8 big-endian bytes || header || payload).
///
/// Mixing in the extended sequence, which never repeats, is what makes a packet replayed after the
/// 16-bit wire sequence has wrapped fail authentication.
struct PacketAuthenticator: Sendable {
    /// Kept as bytes because `SymmetricKey` is not `Sendable`; a key is rebuilt per packet (cheap at
    /// realtime packet rates).
    private let keyBytes: [UInt8]

    init(keyBytes: [UInt8]) {
        self.keyBytes = keyBytes
    }

    /// The tag over `authenticated` (the header and payload bytes) for `extendedSequence`.
    func tag(extendedSequence: UInt64, authenticated: ByteBufferView) -> [UInt8] {
        var hmac = HMAC<SHA256>(key: SymmetricKey(data: keyBytes))
        var sequenceBytes = [UInt8](repeating: 0, count: 8)
        for index in 0..<8 {
            sequenceBytes[index] = UInt8(truncatingIfNeeded: extendedSequence >> (56 - 8 * index))
        }
        hmac.update(data: sequenceBytes)
        hmac.update(data: Array(authenticated))
        let mac = hmac.finalize()
        return Array(mac.prefix(RealtimePacket.tagSize))
    }

    /// Whether `tag` is right, compared in constant time so timing reveals nothing about the expected tag.
    func isValid(tag received: ByteBufferView, extendedSequence: UInt64, authenticated: ByteBufferView) -> Bool {
        let expected = tag(extendedSequence: extendedSequence, authenticated: authenticated)
        guard received.count == expected.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(received, expected) {
            difference |= a ^ b
        }
        return difference == 0
    }
}
