/// LAN discovery, the way game LAN browsers find servers: a client sends a probe to a multicast group and
/// every server listening on it answers the client directly (docs/PROTOCOL.md, section 3).
///
/// A probe is padded to ``size`` bytes and a server refuses anything shorter, while an answer is at most
/// ``DiscoveryAnswer/maximumSize`` bytes, no more than the probe: a forged source address cannot turn a
/// server into an amplifier.
public struct DiscoveryProbe: Sendable, Hashable {
    /// "NCDQ": netcode discovery query.
    public static let magic: [UInt8] = Array("NCDQ".utf8)
    /// Version of the discovery format (not the lobby protocol's).
    public static let version: UInt8 = 1
    /// Every probe is exactly this long: magic, version, a zero byte, the nonce, then zeros.
    public static let size = 256

    /// Chosen by the client so it can tell answers to this probe from stray ones.
    public var nonce: UInt64

    public init(nonce: UInt64) {
        self.nonce = nonce
    }

    /// The probe's bytes, padded with zeros to ``size``.
    public func encoded() -> [UInt8] {
        var bytes = Self.magic
        bytes.append(Self.version)
        bytes.append(0)
        DiscoveryBytes.append64(&bytes, self.nonce)
        bytes.append(contentsOf: repeatElement(0, count: Self.size - bytes.count))
        return bytes
    }

    /// Reads a probe; refuses short ones (the padding is what keeps answers from amplifying) and anything
    /// that is not a probe of this version.
    public init(decoding bytes: some Collection<UInt8>) throws(DiscoveryError) {
        let bytes = Array(bytes)
        guard bytes.count >= Self.size else { throw .probeTooShort(bytes.count) }
        guard Array(bytes[0..<4]) == Self.magic else { throw .notDiscovery }
        guard bytes[4] == Self.version else { throw .unsupportedVersion(bytes[4]) }
        self.nonce = DiscoveryBytes.read64(bytes, at: 6)
    }
}

/// Why a discovery datagram was refused.
public enum DiscoveryError: Error, Sendable, Hashable, CustomStringConvertible {
    case probeTooShort(Int)
    case notDiscovery
    case unsupportedVersion(UInt8)
    case truncated(Int)

    public var description: String {
        switch self {
        case .probeTooShort(let count): "probe of \(count) bytes refused: probes are padded to \(DiscoveryProbe.size) bytes so an answer is never larger"
        case .notDiscovery: "not a discovery datagram (wrong magic)"
        case .unsupportedVersion(let version): "discovery version \(version) is not supported (this is version \(DiscoveryProbe.version))"
        case .truncated(let count): "answer of \(count) bytes is cut short"
        }
    }
}

/// Big-endian fields, as in the rest of the wire protocol.
enum DiscoveryBytes {
    static func append16(_ bytes: inout [UInt8], _ value: UInt16) {
        bytes.append(UInt8(value >> 8))
        bytes.append(UInt8(value & 0xFF))
    }

    static func append64(_ bytes: inout [UInt8], _ value: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8((value >> UInt64(shift)) & 0xFF)) }
    }

    static func read16(_ bytes: [UInt8], at offset: Int) -> UInt16 {
        UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    static func read64(_ bytes: [UInt8], at offset: Int) -> UInt64 {
        (0..<8).reduce(UInt64(0)) { $0 << 8 | UInt64(bytes[offset + $1]) }
    }
}
