import Crypto
import Foundation
import NIOCore

/// Computes and checks packet tags: the first 16 bytes of
/// HMAC-SHA256(key, extended sequence as 8 big-endian bytes || header || payload).
///
/// Mixing in the extended sequence, which never repeats, is what makes a packet replayed after the
/// 16-bit wire sequence has wrapped fail authentication.
struct PacketAuthenticator: Sendable {
    /// HMAC state already keyed (inner and outer pads hashed once, at connection set-up); each packet
    /// starts from a copy of it instead of keying again.
    private let keyed: KeyedHMAC

    /// `HMAC` is a value type (its hash states are copy-on-write), but it does not declare `Sendable`.
    /// A copy is only ever read here, never mutated in place, so sharing it is safe.
    private struct KeyedHMAC: @unchecked Sendable {
        let state: HMAC<SHA256>
    }

    init(keyBytes: [UInt8]) {
        self.keyed = KeyedHMAC(state: HMAC<SHA256>(key: SymmetricKey(data: keyBytes)))
    }

    /// The tag over `authenticated` (the header and payload bytes) for `extendedSequence`.
    func tag(extendedSequence: UInt64, authenticated: ByteBufferView) -> HMAC<SHA256>.MAC {
        var hmac = self.keyed.state
        withUnsafeBytes(of: extendedSequence.bigEndian) { hmac.update(data: $0) }
        if authenticated.withContiguousStorageIfAvailable({ hmac.update(data: UnsafeRawBufferPointer($0)) }) == nil {
            hmac.update(data: Array(authenticated))
        }
        return hmac.finalize()
    }

    /// Appends the tag over the datagram's readable bytes (its header and payload).
    func appendTag(extendedSequence: UInt64, to datagram: inout ByteBuffer) {
        let tag = self.tag(extendedSequence: extendedSequence, authenticated: datagram.readableBytesView)
        tag.withUnsafeBytes { datagram.writeBytes(UnsafeRawBufferPointer(rebasing: $0.prefix(RealtimePacket.tagSize))) }
    }

    /// Whether `tag` is right, compared in constant time so timing reveals nothing about the expected tag.
    func isValid(tag received: ByteBufferView, extendedSequence: UInt64, authenticated: ByteBufferView) -> Bool {
        guard received.count == RealtimePacket.tagSize else { return false }
        let expected = self.tag(extendedSequence: extendedSequence, authenticated: authenticated)
        return expected.withUnsafeBytes { expectedBytes in
            var difference: UInt8 = 0
            for (index, byte) in zip(0..<RealtimePacket.tagSize, received) {
                difference |= expectedBytes[index] ^ byte
            }
            return difference == 0
        }
    }
}
