import CPacketTag
import NIOCore

/// Computes and checks packet tags: the first 8 bytes of
/// HMAC-SHA256(key, extended sequence as 8 big-endian bytes || header || payload).
///
/// Mixing in the extended sequence, which never repeats, is what makes a packet replayed after the
/// 16-bit wire sequence has wrapped fail authentication.
///
/// The hashing is in C (the `CPacketTag` target): the key's two HMAC pad blocks are hashed once per
/// connection and kept inline (64 bytes, no heap), and each tag runs three SHA-256 blocks for a typical
/// snapshot, on the processor's SHA extensions when it has them. Through swift-crypto's `SHA256` value
/// type, copying the pre-keyed states for each packet cost more than the hashing (13% of the server's CPU
/// at 1,000 players, in retains, copy-on-write checks and generic dispatch).
struct PacketAuthenticator: Sendable {
    private let keys: netcode_tag_keys

    init(keyBytes: [UInt8]) {
        var keys = netcode_tag_keys()
        keyBytes.withUnsafeBufferPointer { netcode_tag_keys_init(&keys, $0.baseAddress, $0.count) }
        self.keys = keys
    }

    /// Whether tags are computed with the processor's SHA extensions (else portable C).
    static var usesSHAExtensions: Bool { netcode_tag_uses_sha_extensions() != 0 }

    /// The full 32-byte HMAC-SHA256 over the extended sequence and `authenticated` (the header and payload
    /// bytes), of which the first 8 bytes go on the wire. `portable` forces the portable C blocks.
    func tag(extendedSequence: UInt64, authenticated: ByteBufferView, portable: Bool = false) -> [UInt8] {
        var digest: Digest = (0, 0, 0, 0)
        self.withBytes(of: authenticated) { self.compute(extendedSequence, UnsafeRawBufferPointer($0), into: &digest, portable: portable) }
        return withUnsafeBytes(of: &digest) { Array($0) }
    }

    /// Appends the tag over the datagram's readable bytes (its header and payload).
    func appendTag(extendedSequence: UInt64, to datagram: inout ByteBuffer) {
        var digest: Digest = (0, 0, 0, 0)
        datagram.withUnsafeReadableBytes { bytes in
            self.compute(extendedSequence, bytes, into: &digest)
        }
        _ = withUnsafeBytes(of: &digest) { datagram.writeBytes(UnsafeRawBufferPointer(rebasing: $0.prefix(RealtimePacket.tagSize))) }
    }

    /// Whether `tag` is right, compared in constant time so timing reveals nothing about the expected tag.
    func isValid(tag received: ByteBufferView, extendedSequence: UInt64, authenticated: ByteBufferView) -> Bool {
        guard received.count == RealtimePacket.tagSize else { return false }
        var digest: Digest = (0, 0, 0, 0)
        self.withBytes(of: authenticated) { self.compute(extendedSequence, UnsafeRawBufferPointer($0), into: &digest) }
        return withUnsafeBytes(of: &digest) { expected in
            var difference: UInt8 = 0
            for (index, byte) in zip(0..<RealtimePacket.tagSize, received) {
                difference |= expected[index] ^ byte
            }
            return difference == 0
        }
    }

    /// 32 bytes on the stack.
    private typealias Digest = (UInt64, UInt64, UInt64, UInt64)

    private func compute(_ sequence: UInt64, _ bytes: UnsafeRawBufferPointer, into digest: inout Digest, portable: Bool = false) {
        withUnsafeMutableBytes(of: &digest) { out in
            withUnsafePointer(to: self.keys) { keys in
                let data = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
                let out = out.baseAddress?.assumingMemoryBound(to: UInt8.self)
                if portable {
                    netcode_tag_compute_portable(keys, sequence, data, bytes.count, out)
                } else {
                    netcode_tag_compute(keys, sequence, data, bytes.count, out)
                }
            }
        }
    }

    private func withBytes<R>(of view: ByteBufferView, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = view.withContiguousStorageIfAvailable(body) { return result }
        return Array(view).withUnsafeBufferPointer(body)
    }
}
