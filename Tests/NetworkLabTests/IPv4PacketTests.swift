import Testing

@testable import NetworkLab

@Suite("IPv4 packet classification")
struct IPv4PacketTests {
    /// A minimal IPv4 header of `length` bytes in total carrying `protocolNumber`.
    static func packet(protocolNumber: UInt8, totalLength: Int = 28, headerWords: UInt8 = 5, bytes: Int? = nil) -> [UInt8] {
        var packet = [UInt8](repeating: 0, count: bytes ?? totalLength)
        packet[0] = 0x40 | headerWords
        packet[2] = UInt8(totalLength >> 8)
        packet[3] = UInt8(totalLength & 0xFF)
        packet[8] = 64
        packet[9] = protocolNumber
        return packet
    }

    @Test("protocol numbers 6, 17 and 1 are TCP, UDP and ICMP; others are other", arguments: [
        (UInt8(6), IPv4Packet.Kind.tcp), (17, .udp), (1, .icmp), (47, .other),
    ])
    func protocols(number: UInt8, kind: IPv4Packet.Kind) {
        #expect(IPv4Packet.classify(Self.packet(protocolNumber: number)) == kind)
    }

    @Test("a header with options still classifies")
    func options() {
        #expect(IPv4Packet.classify(Self.packet(protocolNumber: 17, totalLength: 40, headerWords: 6)) == .udp)
    }

    @Test("short, IPv6, bad header length and truncated packets are malformed")
    func malformed() {
        #expect(IPv4Packet.classify([UInt8](repeating: 0x45, count: 19)) == .malformed)
        var ipv6 = Self.packet(protocolNumber: 17, totalLength: 48)
        ipv6[0] = 0x60
        #expect(IPv4Packet.classify(ipv6) == .malformed)
        #expect(IPv4Packet.classify(Self.packet(protocolNumber: 6, headerWords: 4)) == .malformed)
        #expect(IPv4Packet.classify(Self.packet(protocolNumber: 6, totalLength: 100, bytes: 60)) == .malformed)
        #expect(IPv4Packet.classify(Self.packet(protocolNumber: 6, totalLength: 20, headerWords: 6)) == .malformed)
        #expect(IPv4Packet.classify([]) == .malformed)
    }
}
