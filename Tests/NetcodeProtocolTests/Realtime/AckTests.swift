import NIOCore
import Testing

@testable import NetcodeProtocol

@Suite("Acks under loss and reordering")
struct AckTests {
    @Test("acks claim only packets really received, and every received packet in the window is claimed")
    func acksUnderLossAndReorder() throws {
        var (client, server) = RealtimeFixtures.connectionPair()
        var up = RealtimeTestLink(seed: 11)
        up.loss = 0.2
        up.delay = 30 * RealtimeFixtures.millisecond
        up.jitter = 10 * RealtimeFixtures.millisecond
        up.reorder = 0.1
        up.reorderDelay = 60 * RealtimeFixtures.millisecond
        var down = RealtimeTestLink(seed: 12)
        down.loss = 0.2
        down.delay = 30 * RealtimeFixtures.millisecond
        down.reorder = 0.1
        down.reorderDelay = 45 * RealtimeFixtures.millisecond

        var serverReceived = Set<UInt64>()
        var clientAcked = Set<UInt64>()
        var checkedHeaders = 0
        let tick = 16 * RealtimeFixtures.millisecond
        for step in 0..<5_000 {
            let now = UInt64(step) * tick
            let sequence = client.nextSequence
            up.send(client.seal(type: .keepalive, payload: ByteBuffer(), now: now), sequence: sequence, now: now)
            for flight in up.deliver(upTo: now) where server.open(flight.packet, now: now).isAccepted {
                serverReceived.insert(flight.sequence)
            }
            let reply = server.seal(type: .keepalive, payload: ByteBuffer(), now: now)
            // What the server's header claims must be exactly what it received, over the 33-packet window.
            let header = try PacketHeader.parse(reply).get()
            if let highest = serverReceived.max() {
                #expect(header.ack == UInt16(truncatingIfNeeded: highest))
                for distance in 1...32 where UInt64(distance) <= highest {
                    let claimed = (header.ackBits >> UInt32(distance - 1)) & 1 == 1
                    #expect(claimed == serverReceived.contains(highest - UInt64(distance)))
                }
                checkedHeaders += 1
            } else {
                #expect(header.ack == RealtimePacket.nothingReceivedAck && header.ackBits == 0)
            }
            down.send(reply, sequence: 0, now: now)
            for flight in down.deliver(upTo: now) {
                let acked = client.open(flight.packet, now: now).newlyAcked
                for sequence in acked {
                    #expect(serverReceived.contains(sequence), "sequence \(sequence) acked but never received")
                    #expect(!clientAcked.contains(sequence), "sequence \(sequence) reported newly acked twice")
                    clientAcked.insert(sequence)
                }
            }
        }
        #expect(checkedHeaders > 4_900)
        #expect(client.stats.packetsAcked == UInt64(clientAcked.count))
        // With 33 chances per packet, nearly every received packet gets acked despite 20% loss back.
        #expect(Double(clientAcked.count) > 0.97 * Double(serverReceived.count))
        #expect(server.stats.outOfOrder > 0)
    }

    @Test("before anything is received the ack says nothing, and the peer acks nothing from it")
    func nothingReceived() throws {
        var (client, server) = RealtimeFixtures.connectionPair()
        for index in 0..<3 {
            _ = client.seal(type: .keepalive, payload: ByteBuffer(), now: UInt64(index))
        }
        let first = server.seal(type: .keepalive, payload: ByteBuffer(), now: 0)
        let header = try PacketHeader.parse(first).get()
        #expect(header.ack == 0xFFFF && header.ackBits == 0)
        #expect(client.open(first, now: 5) == .accepted(.keepalive, payload: ByteBuffer(), newlyAcked: []))
    }

    @Test("ack bits are right across the 16-bit wrap")
    func ackBitsAcrossWrap() throws {
        var (client, server) = RealtimeFixtures.connectionPair()
        var received: [UInt64] = []
        for index in 0..<(65536 + 20) {
            let sequence = client.nextSequence
            let packet = client.seal(type: .keepalive, payload: ByteBuffer(), now: UInt64(index))
            // Lose every third packet around the wrap.
            if sequence > 65500, sequence % 3 == 0 { continue }
            if server.open(packet, now: UInt64(index)).isAccepted { received.append(sequence) }
        }
        let reply = server.seal(type: .keepalive, payload: ByteBuffer(), now: 70_000)
        let header = try PacketHeader.parse(reply).get()
        let highest = try #require(received.last)
        #expect(highest == 65555)
        #expect(header.ack == 19)
        for bit in 0..<32 {
            let sequence = highest - 1 - UInt64(bit)
            #expect(((header.ackBits >> UInt32(bit)) & 1 == 1) == (sequence % 3 != 0), "bit \(bit) for \(sequence)")
        }
        let acked = client.open(reply, now: 70_001).newlyAcked
        #expect(acked == ((highest - 32)...highest).filter { $0 % 3 != 0 })
    }
}
