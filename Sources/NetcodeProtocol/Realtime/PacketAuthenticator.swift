import Crypto
import Foundation
import NIOCore

/// Computes and checks packet tags: the first 8 bytes of
/// HMAC-SHA256(key, extended sequence as 8 big-endian bytes || header || payload).
///
/// Mixing in the extended sequence, which never repeats, is what makes a packet replayed after the
/// 16-bit wire sequence has wrapped fail authentication.
struct PacketAuthenticator: Sendable {
    /// SHA-256 states that have already absorbed the key XOR ipad and XOR opad blocks (HMAC's inner and
    /// outer pads), computed once per connection. A tag continues from copies of them, through the
    /// concrete `SHA256` API: HMAC's generic wrapper cost more than the hashing itself per packet.
    private let keyed: KeyedPads

    /// `SHA256` is a value type (its state is copy-on-write), but it does not declare `Sendable`. The
    /// stored states are only ever copied, never mutated in place, so sharing them is safe.
    private struct KeyedPads: @unchecked Sendable {
        let inner: SHA256
        let outer: SHA256
    }

    init(keyBytes: [UInt8]) {
        // HMAC (RFC 2104): a key longer than the block is hashed first, then zero-padded to the block.
        var key = keyBytes.count > SHA256.blockByteCount ? Array(SHA256.hash(data: keyBytes)) : keyBytes
        key += Array(repeating: 0, count: SHA256.blockByteCount - key.count)
        var inner = SHA256()
        var outer = SHA256()
        key.map { $0 ^ 0x36 }.withUnsafeBytes { inner.update(bufferPointer: $0) }
        key.map { $0 ^ 0x5C }.withUnsafeBytes { outer.update(bufferPointer: $0) }
        self.keyed = KeyedPads(inner: inner, outer: outer)
    }

    /// The tag over `authenticated` (the header and payload bytes) for `extendedSequence`: the full
    /// HMAC-SHA256, of which the first 8 bytes go on the wire.
    func tag(extendedSequence: UInt64, authenticated: ByteBufferView) -> SHA256Digest {
        var inner = self.keyed.inner
        withUnsafeBytes(of: extendedSequence.bigEndian) { inner.update(bufferPointer: $0) }
        if authenticated.withContiguousStorageIfAvailable({ inner.update(bufferPointer: UnsafeRawBufferPointer($0)) }) == nil {
            Array(authenticated).withUnsafeBytes { inner.update(bufferPointer: $0) }
        }
        var outer = self.keyed.outer
        inner.finalize().withUnsafeBytes { outer.update(bufferPointer: $0) }
        return outer.finalize()
    }

    /// Appends the tag over the datagram's readable bytes (its header and payload).
    func appendTag(extendedSequence: UInt64, to datagram: inout ByteBuffer) {
        let tag = self.tag(extendedSequence: extendedSequence, authenticated: datagram.readableBytesView)
        _ = tag.withUnsafeBytes { datagram.writeBytes(UnsafeRawBufferPointer(rebasing: $0.prefix(RealtimePacket.tagSize))) }
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
