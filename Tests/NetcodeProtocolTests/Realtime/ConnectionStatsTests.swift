import NIOCore
import Testing

@testable import NetcodeProtocol

@Suite("Connection statistics")
struct ConnectionStatsTests {
    private let millisecond = RealtimeFixtures.millisecond

    /// The client sends every `interval`; the server replies at once to each packet it gets.
    private func pingPong(
        client: inout RealtimeConnection,
        server: inout RealtimeConnection,
        up: inout RealtimeTestLink,
        down: inout RealtimeTestLink,
        from start: UInt64,
        steps: Int,
        interval: UInt64
    ) {
        var now = start
        let end = start + UInt64(steps) * interval
        var nextSend = start
        while now <= end + 1_000 * millisecond {
            if now < end, now >= nextSend {
                up.send(client.seal(type: .keepalive, payload: ByteBuffer(), now: now), sequence: client.nextSequence - 1, now: now)
                nextSend += interval
            }
            for flight in up.deliver(upTo: now) where server.open(flight.packet, now: now).isAccepted {
                down.send(server.seal(type: .keepalive, payload: ByteBuffer(), now: now), sequence: server.nextSequence - 1, now: now)
            }
            for flight in down.deliver(upTo: now) {
                _ = client.open(flight.packet, now: now)
            }
            now += millisecond
        }
    }

    @Test("smoothed RTT converges to an injected constant delay, then to a new one")
    func rttConverges() throws {
        var (client, server) = RealtimeFixtures.connectionPair()
        var up = RealtimeTestLink(seed: 1)
        var down = RealtimeTestLink(seed: 2)
        up.delay = 40 * millisecond
        down.delay = 40 * millisecond
        pingPong(client: &client, server: &server, up: &up, down: &down, from: 0, steps: 200, interval: 20 * millisecond)
        let srtt = try #require(client.stats.smoothedRTT)
        #expect(srtt == 80 * millisecond)
        #expect(try #require(client.stats.rttVariation) < millisecond)
        #expect(client.stats.latestRTT == 80 * millisecond)

        up.delay = 100 * millisecond
        up.jitter = 10 * millisecond
        pingPong(client: &client, server: &server, up: &up, down: &down, from: 10_000 * millisecond, steps: 300, interval: 20 * millisecond)
        let shifted = try #require(client.stats.smoothedRTTMilliseconds)
        // Mean of 140 ms + uniform 0...10 ms.
        #expect(abs(shifted - 145) < 5, "smoothed RTT \(shifted) ms")
        let jitter = try #require(client.stats.rttVariationMilliseconds)
        #expect(jitter > 0.5 && jitter < 6, "RTT variation \(jitter) ms")
    }

    @Test("loss each way matches a seeded 10% drop pattern")
    func lossEstimates() throws {
        var (client, server) = RealtimeFixtures.connectionPair()
        var up = RealtimeTestLink(seed: 21)
        up.loss = 0.1
        up.delay = 20 * millisecond
        var down = RealtimeTestLink(seed: 22)
        down.loss = 0.1
        down.delay = 20 * millisecond
        let interval = 10 * millisecond
        let steps = 10_000
        for step in 0..<steps {
            let now = UInt64(step) * interval
            up.send(client.seal(type: .keepalive, payload: ByteBuffer(), now: now), sequence: client.nextSequence - 1, now: now)
            down.send(server.seal(type: .keepalive, payload: ByteBuffer(), now: now), sequence: server.nextSequence - 1, now: now)
            for flight in up.deliver(upTo: now) { _ = server.open(flight.packet, now: now) }
            for flight in down.deliver(upTo: now) { _ = client.open(flight.packet, now: now) }
        }
        let actualUp = Double(up.dropped.count) / Double(steps)
        #expect(actualUp > 0.08 && actualUp < 0.12)

        // Remote to local, from sequence gaps on the server: exact up to the packets still in flight.
        let serverView = try #require(server.stats.lossRemoteToLocal)
        #expect(abs(serverView - actualUp) < 0.002, "server sees \(serverView), link dropped \(actualUp)")

        // Local to remote, from packets never acked: exact over the settled range, even with 10% of
        // the acking packets lost too, because each packet is acked by up to 33 later ones.
        let settled = client.settledBelow
        let droppedSettled = up.dropped.filter { $0 < settled }.count
        #expect(client.stats.packetsLostLocalToRemote == UInt64(droppedSettled))
        #expect(client.stats.packetsDeliveredLocalToRemote == settled - UInt64(droppedSettled))
        let clientView = try #require(client.stats.lossLocalToRemote)
        #expect(abs(clientView - actualUp) < 0.005, "client estimates \(clientView), link dropped \(actualUp)")
        #expect(settled > UInt64(steps - 100))
    }

    /// The client sends 200 packets; the server answers each one it gets at once. Known packets are
    /// lost, one arrives more than 32 packets late (after it left the ack window) and one a few packets
    /// late. Both ends count exactly the packets that left the ack window, in numerator and denominator.
    @Test("known losses: both ends count the same settled packets, and the window's packets in neither part")
    func knownLossesSettleOverTheSamePackets() throws {
        var (client, server) = RealtimeFixtures.connectionPair()
        let lost: Set<UInt64> = [3, 10, 11, 12, 50, 120, 190, 195]
        let heldUntil: [UInt64: UInt64] = [40: 80, 100: 110]  // delivered right after the packet named
        var held: [UInt64: ByteBuffer] = [:]
        var now: UInt64 = 0
        func deliver(_ packet: ByteBuffer) {
            now += 1
            _ = server.open(packet, now: now)
            _ = client.open(server.seal(type: .keepalive, payload: ByteBuffer(), now: now), now: now)
        }
        for sequence in UInt64(0)..<200 {
            now += 1
            let packet = client.seal(type: .keepalive, payload: ByteBuffer(), now: now)
            if lost.contains(sequence) { continue }
            if heldUntil[sequence] != nil {
                held[sequence] = packet
                continue
            }
            deliver(packet)
            for (late, after) in heldUntil where after == sequence { deliver(try #require(held[late])) }
        }
        // The newest packet, 199, settles everything below 199 - 32 = 167. Below that: six packets lost
        // on the way, and 40, which came after its ack window had passed (its sender can never see it
        // acked). 100 came late but inside the window: delivered. 190 and 195 are still in the window.
        #expect(server.stats.packetsLostRemoteToLocal == 7)
        #expect(server.stats.packetsDeliveredRemoteToLocal == 160)
        #expect(server.stats.lossRemoteToLocal == 7.0 / 167.0)
        #expect(client.stats.packetsLostLocalToRemote == 7)
        #expect(client.stats.packetsDeliveredLocalToRemote == 160)
        #expect(client.stats.lossLocalToRemote == server.stats.lossRemoteToLocal, "both ends agree")
        #expect(server.stats.packetsReceived == 192, "the late packet was still accepted and used")
        #expect(server.stats.outOfOrder == 2)
    }

    @Test("nothing settles, and no loss is reported, until a packet leaves the ack window")
    func noFigureInsideTheWindow() {
        var (client, server) = RealtimeFixtures.connectionPair()
        for sequence in 0..<33 {
            let packet = client.seal(type: .keepalive, payload: ByteBuffer(), now: UInt64(sequence))
            if sequence.isMultiple(of: 2) { continue }
            _ = server.open(packet, now: UInt64(sequence))
            _ = client.open(server.seal(type: .keepalive, payload: ByteBuffer(), now: UInt64(sequence)), now: UInt64(sequence))
        }
        // Half of 33 packets lost, all still inside the window of the newest (32): no figure yet.
        #expect(server.stats.lossRemoteToLocal == nil)
        #expect(client.stats.lossLocalToRemote == nil)
        let packet = client.seal(type: .keepalive, payload: ByteBuffer(), now: 40)
        _ = server.open(packet, now: 40)
        _ = client.open(server.seal(type: .keepalive, payload: ByteBuffer(), now: 40), now: 40)
        // 33 is the newest: 0 leaves the window, lost on both sides.
        #expect(server.stats.lossRemoteToLocal == 1)
        #expect(client.stats.lossLocalToRemote == 1)
    }

    @Test("a packet settled as lost and acked later by a reordered packet counts as delivered")
    func lateAckUndoesLoss() throws {
        var (client, server) = RealtimeFixtures.connectionPair()
        var replies: [ByteBuffer] = []
        for index in 0..<40 {
            _ = server.open(client.seal(type: .keepalive, payload: ByteBuffer(), now: UInt64(index)), now: UInt64(index))
            replies.append(server.seal(type: .keepalive, payload: ByteBuffer(), now: UInt64(index)))
        }
        // The newest reply (acks 39, so settles 0...6) arrives before the first one (acks 0).
        _ = client.open(replies[39], now: 100)
        #expect(client.stats.packetsLostLocalToRemote == 7)
        #expect(client.open(replies[0], now: 101).newlyAcked == [0])
        #expect(client.stats.packetsLostLocalToRemote == 6)
        #expect(client.stats.packetsDeliveredLocalToRemote == 1)
    }

    @Test("packets and bytes each way, and rates over an interval the caller gives")
    func bytesAndRates() {
        var (client, server) = RealtimeFixtures.connectionPair()
        let start = client.stats
        for index in 0..<30 {
            let payload = ByteBuffer(repeating: 0, count: 100 - RealtimePacket.minPacketSize)
            _ = server.open(client.seal(type: .input, payload: payload, now: UInt64(index)), now: UInt64(index))
        }
        #expect(client.stats.packetsSent == 30)
        #expect(client.stats.bytesSent == 30 * 100)
        #expect(server.stats.packetsReceived == 30)
        #expect(server.stats.bytesReceived == 30 * 100)
        let rates = client.stats.rates(since: start, elapsedNanoseconds: 1_000_000_000)
        #expect(rates.bytesSentPerSecond == 3000)
        #expect(rates.packetsSentPerSecond == 30)
        #expect(rates.bytesReceivedPerSecond == 0)
        #expect(rates.linkBitsPerSecond().sent == 8 * (3000 + 28 * 30))
        let half = server.stats.rates(since: ConnectionStats(), elapsedNanoseconds: 500_000_000)
        #expect(half.bytesReceivedPerSecond == 6000)
        #expect(client.stats.rates(since: start, elapsedNanoseconds: 0) == ConnectionRates())
    }
}
