#if os(Linux)
import Testing

@testable import NetworkLab

@Suite("Self-test wire formats")
struct PayloadTests {
    @Test("FNV-1a matches the published test vectors and can be continued")
    func fnv() {
        let empty = [UInt8]().withUnsafeBytes { Payload.fnv1a($0) }
        let a = Array("a".utf8).withUnsafeBytes { Payload.fnv1a($0) }
        let foobar = Array("foobar".utf8).withUnsafeBytes { Payload.fnv1a($0) }
        #expect(empty == 0xCBF2_9CE4_8422_2325)
        #expect(a == 0xAF63_DC4C_8601_EC8C)
        #expect(foobar == 0x8594_4171_F739_67E8)
        let split = Array("bar".utf8).withUnsafeBytes { bar in
            Array("foo".utf8).withUnsafeBytes { Payload.fnv1a(bar, continuing: Payload.fnv1a($0)) }
        }
        #expect(split == foobar)
    }

    @Test("payloads are fixed by their seed")
    func payloadSeed() {
        #expect(Payload.bytes(count: 1000, seed: 1) == Payload.bytes(count: 1000, seed: 1))
        #expect(Payload.bytes(count: 1000, seed: 1) != Payload.bytes(count: 1000, seed: 2))
        #expect(Payload.bytes(count: 13, seed: 1).count == 13)
    }

    @Test("echo packets carry sequence and both timestamps")
    func echoPacket() throws {
        var packet = [UInt8](repeating: 0xFF, count: EchoServer.packetSize)
        EchoServer.write(sequence: 77, sentAt: 123_456_789, into: &packet)
        let read = try #require(EchoServer.read(packet))
        #expect(read.sequence == 77)
        #expect(read.sentAt == 123_456_789)
        #expect(read.serverAt == 0)
        packet[0] ^= 1
        #expect(EchoServer.read(packet) == nil)
    }
}
#endif
