/// Just enough of an IPv4 header to count what crosses the link; the emulator never changes packets.
struct IPv4Packet {
    /// What a packet carries, as far as the counters care.
    enum Kind: Equatable {
        case tcp
        case udp
        case icmp
        /// IPv4 with another protocol number.
        case other
        /// Not a well-formed IPv4 packet (IPv6 included: the lab disables it, so it should never appear).
        case malformed
    }

    /// Classifies the `count` bytes at `bytes` (a packet as read from a TUN device without packet info).
    static func classify(_ bytes: UnsafeRawPointer, count: Int) -> Kind {
        guard count >= 20 else { return .malformed }
        let versionAndLength = bytes.load(fromByteOffset: 0, as: UInt8.self)
        guard versionAndLength >> 4 == 4 else { return .malformed }
        let headerLength = Int(versionAndLength & 0x0F) * 4
        let totalLength = Int(bytes.load(fromByteOffset: 2, as: UInt8.self)) << 8
            | Int(bytes.load(fromByteOffset: 3, as: UInt8.self))
        guard headerLength >= 20, headerLength <= totalLength, totalLength <= count else { return .malformed }
        switch bytes.load(fromByteOffset: 9, as: UInt8.self) {
        case 6: return .tcp
        case 17: return .udp
        case 1: return .icmp
        default: return .other
        }
    }

    /// The same, for a byte array (tests, tools).
    static func classify(_ bytes: [UInt8]) -> Kind {
        bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return .malformed }
            return self.classify(base, count: buffer.count)
        }
    }
}
