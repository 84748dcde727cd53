import NIOCore
import Testing

@testable import NetcodeProtocol

@Suite("Replay protection")
struct ReplayProtectionTests {
    @Test("the same packet twice: the second is dropped as replayed and counted as a duplicate")
    func duplicate() {
        var (client, server) = RealtimeFixtures.connectionPair()
        let packet = client.seal(type: .keepalive, payload: ByteBuffer(), now: 0)
        #expect(server.open(packet, now: 1).isAccepted)
        #expect(server.open(packet, now: 2) == .dropped(.replayed))
        #expect(server.stats.duplicates == 1)
        #expect(server.stats.packetsReceived == 1)
    }

    @Test("a packet older than the 256-packet window is dropped as too old; one just inside is accepted late")
    func tooOld() {
        var (client, server) = RealtimeFixtures.connectionPair()
        let packets = (0..<300).map { client.seal(type: .keepalive, payload: ByteBuffer(), now: UInt64($0)) }
        // Deliver 1...299, holding back 0 and 44.
        for (index, packet) in packets.enumerated() where index != 0 && index != 44 {
            #expect(server.open(packet, now: 1).isAccepted)
        }
        #expect(server.open(packets[0], now: 2) == .dropped(.tooOld))
        #expect(server.open(packets[44], now: 2).isAccepted)
        #expect(server.stats.outOfOrder == 1)
        #expect(server.open(packets[44], now: 3) == .dropped(.replayed))
        #expect(server.stats.drops[.tooOld] == 1)
    }

    @Test("a packet replayed after the sequence has wrapped (65536 packets later) fails authentication")
    func replayAfterWrap() {
        var (client, server) = RealtimeFixtures.connectionPair()
        let first = client.seal(type: .keepalive, payload: ByteBuffer(), now: 0)
        #expect(server.open(first, now: 0).isAccepted)
        var accepted = 1
        for index in 1...65536 {
            let packet = client.seal(type: .keepalive, payload: ByteBuffer(), now: UInt64(index))
            if server.open(packet, now: UInt64(index)).isAccepted { accepted += 1 }
        }
        #expect(accepted == 65537)
        // The wire sequence of `first` (0) now reads as extended 65536, which it was not sealed with.
        #expect(server.open(first, now: 70_000) == .dropped(.badTag))
        // Already half a lap later, old bytes read as the next lap and fail authentication too.
        var (client2, server2) = RealtimeFixtures.connectionPair()
        let early = client2.seal(type: .keepalive, payload: ByteBuffer(), now: 0)
        for index in 0..<40_000 {
            _ = server2.open(client2.seal(type: .keepalive, payload: ByteBuffer(), now: UInt64(index)), now: 0)
        }
        #expect(server2.open(early, now: 1) == .dropped(.badTag))
    }

    @Test("a dropped datagram changes no state")
    func dropChangesNothing() {
        var (client, server) = RealtimeFixtures.connectionPair()
        _ = server.open(client.seal(type: .keepalive, payload: ByteBuffer(), now: 0), now: 0)
        var forged = client.seal(type: .keepalive, payload: ByteBuffer(), now: 0)
        forged.setInteger(UInt16(40_000), at: 5)  // the wire sequence
        let before = server.received
        #expect(server.open(forged, now: 1) == .dropped(.badTag))
        #expect(server.received == before)
        #expect(server.lastReceivedAt == 0)
    }
}
