/// A server's answer to a ``DiscoveryProbe``: who it is and where to connect. Sent to the probe's source
/// address only, never to the group.
public struct DiscoveryAnswer: Sendable, Hashable {
    /// "NCDA": netcode discovery answer.
    public static let magic: [UInt8] = Array("NCDA".utf8)
    /// Fixed part: magic 4, version 1, zero 1, nonce 8, lobby version 2, TCP port 2, UDP port 2,
    /// players 2, name length 1.
    static let fixedSize = 23
    /// Longest name carried; longer names are cut (at a character boundary).
    public static let maximumNameBytes = 200
    /// No answer is longer than this, which is less than ``DiscoveryProbe/size``.
    public static let maximumSize = fixedSize + maximumNameBytes

    /// The probe's nonce, echoed.
    public var nonce: UInt64
    /// The lobby protocol version the server speaks (``lobbyProtocolVersion``).
    public var protocolVersion: UInt16
    public var tcpPort: UInt16
    /// The first realtime UDP port (shards use the ports after it).
    public var udpPort: UInt16
    /// Lobby connections open now.
    public var players: UInt16
    public var name: String

    public init(nonce: UInt64, protocolVersion: UInt16, tcpPort: UInt16, udpPort: UInt16, players: UInt16, name: String) {
        self.nonce = nonce
        self.protocolVersion = protocolVersion
        self.tcpPort = tcpPort
        self.udpPort = udpPort
        self.players = players
        self.name = name
    }

    public func encoded() -> [UInt8] {
        var name = Array(self.name.utf8)
        if name.count > Self.maximumNameBytes {
            // Cut before a continuation byte so the name stays valid UTF-8.
            var end = Self.maximumNameBytes
            while end > 0 && name[end] & 0xC0 == 0x80 { end -= 1 }
            name = Array(name[0..<end])
        }
        var bytes = Self.magic
        bytes.append(DiscoveryProbe.version)
        bytes.append(0)
        DiscoveryBytes.append64(&bytes, self.nonce)
        DiscoveryBytes.append16(&bytes, self.protocolVersion)
        DiscoveryBytes.append16(&bytes, self.tcpPort)
        DiscoveryBytes.append16(&bytes, self.udpPort)
        DiscoveryBytes.append16(&bytes, self.players)
        bytes.append(UInt8(name.count))
        bytes.append(contentsOf: name)
        return bytes
    }

    public init(decoding bytes: some Collection<UInt8>) throws(DiscoveryError) {
        let bytes = Array(bytes)
        guard bytes.count >= 4, Array(bytes[0..<4]) == Self.magic else { throw .notDiscovery }
        guard bytes.count >= Self.fixedSize else { throw .truncated(bytes.count) }
        guard bytes[4] == DiscoveryProbe.version else { throw .unsupportedVersion(bytes[4]) }
        let nameLength = Int(bytes[22])
        guard bytes.count >= Self.fixedSize + nameLength else { throw .truncated(bytes.count) }
        self.nonce = DiscoveryBytes.read64(bytes, at: 6)
        self.protocolVersion = DiscoveryBytes.read16(bytes, at: 14)
        self.tcpPort = DiscoveryBytes.read16(bytes, at: 16)
        self.udpPort = DiscoveryBytes.read16(bytes, at: 18)
        self.players = DiscoveryBytes.read16(bytes, at: 20)
        self.name = String(decoding: bytes[Self.fixedSize..<(Self.fixedSize + nameLength)], as: UTF8.self)
    }
}
