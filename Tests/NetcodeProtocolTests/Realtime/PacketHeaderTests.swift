import NIOCore
import Testing

@testable import NetcodeProtocol

@Suite("Realtime packet header")
struct PacketHeaderTests {
    private func datagram(header: PacketHeader, payloadBytes: Int = 0) -> ByteBuffer {
        var buffer = ByteBuffer()
        header.write(to: &buffer)
        buffer.writeRepeatingByte(0xAB, count: payloadBytes + RealtimePacket.tagSize)
        return buffer
    }

    @Test("every header field round-trips, for every packet type")
    func roundTrip() throws {
        for type in PacketType.allCases {
            let header = PacketHeader(type: type, sessionID: 0xDEAD_BEEF, sequence: 0xFFFE, ack: 0x1234, ackBits: 0x8000_0001)
            let buffer = datagram(header: header, payloadBytes: 3)
            #expect(try PacketHeader.parse(buffer).get() == header)
            #expect(PacketHeader.peekSessionID(buffer) == 0xDEAD_BEEF)
        }
    }

    @Test("the session id hint reads the raw bytes as peekSessionID reads the buffer, and refuses what cannot be a packet")
    func sessionIDHint() {
        for sessionID: UInt32 in [0, 7, 0x0A0B_0C0D, 0xDEAD_BEEF, .max] {
            let buffer = datagram(header: PacketHeader(type: .input, sessionID: sessionID, sequence: 9, ack: 3, ackBits: 1), payloadBytes: 8)
            let hint = buffer.withUnsafeReadableBytes { PacketHeader.sessionIDHint($0) }
            #expect(hint == sessionID)
            #expect(hint == PacketHeader.peekSessionID(buffer))
        }
        let short = datagram(header: PacketHeader(type: .input, sessionID: 5, sequence: 1, ack: 0, ackBits: 0)).getSlice(at: 0, length: RealtimePacket.minPacketSize - 1)!
        #expect(short.withUnsafeReadableBytes { PacketHeader.sessionIDHint($0) } == nil)
        let big = datagram(header: PacketHeader(type: .input, sessionID: 5, sequence: 1, ack: 0, ackBits: 0), payloadBytes: RealtimePacket.maxPayloadSize + 1)
        #expect(big.withUnsafeReadableBytes { PacketHeader.sessionIDHint($0) } == nil)
    }

    @Test("the header is 13 big-endian bytes in the documented order")
    func layout() {
        let header = PacketHeader(type: .snapshot, sessionID: 0x0A0B_0C0D, sequence: 0x0102, ack: 0x0304, ackBits: 0x0506_0708)
        var buffer = ByteBuffer()
        header.write(to: &buffer)
        #expect(RealtimeFixtures.bytes(buffer) == [
            0x22, 0x0A, 0x0B, 0x0C, 0x0D, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
        ])
    }

    @Test("each kind of bad header has its own drop reason")
    func dropReasons() {
        let good = datagram(header: PacketHeader(type: .input, sessionID: 7, sequence: 1, ack: 0, ackBits: 0))
        func mutated(_ index: Int, _ value: UInt8) -> ByteBuffer {
            var copy = good
            copy.setInteger(value, at: index)
            return copy
        }
        #expect(PacketHeader.parse(mutated(0, 0x11)).failureReason == .badVersion, "version 1's layout")
        #expect(PacketHeader.parse(mutated(0, 0x4E)).failureReason == .badVersion)
        #expect(PacketHeader.parse(mutated(0, 0x20)).failureReason == .unknownType)
        #expect(PacketHeader.parse(mutated(0, 0x27)).failureReason == .unknownType, "types 1-6 are defined")
        #expect(PacketHeader.parse(good.getSlice(at: 0, length: 20)!).failureReason == .truncated)
        let big = datagram(header: PacketHeader(type: .input, sessionID: 7, sequence: 1, ack: 0, ackBits: 0), payloadBytes: 1180)
        #expect(big.readableBytes == 1201)
        #expect(PacketHeader.parse(big).failureReason == .oversized)
        #expect(PacketHeader.peekSessionID(mutated(0, 0)) == nil)
        #expect(PacketHeader.peekSessionID(ByteBuffer()) == nil)
    }

    @Test("parse honours the reader index of a slice")
    func readerIndex() throws {
        var buffer = ByteBuffer(bytes: [9, 9, 9])
        buffer.writeImmutableBuffer(datagram(header: PacketHeader(type: .keepalive, sessionID: 42, sequence: 3, ack: 2, ackBits: 1)))
        buffer.moveReaderIndex(forwardBy: 3)
        #expect(PacketHeader.peekSessionID(buffer) == 42)
    }
}

extension Result where Failure == DropReason {
    var failureReason: DropReason? {
        if case .failure(let reason) = self { return reason }
        return nil
    }
}
