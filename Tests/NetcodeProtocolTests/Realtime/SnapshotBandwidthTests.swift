import NIOCore
import Testing

@testable import NetcodeProtocol

/// A 64 m arena with players always on the move and coins that get picked up now and then.
private struct Arena {
    static let size: Float = 64
    let quantizer = Quantizer(width: Arena.size, height: Arena.size)
    var random: RealtimeFixtures.Random
    var players: [(x: Float, y: Float, vx: Float, vy: Float, score: UInt16)] = []
    var coins: [(x: Float, y: Float)] = []
    var tick: UInt32 = 0

    init(seed: UInt64, players count: Int, coins coinCount: Int) {
        random = RealtimeFixtures.Random(seed: seed)
        for _ in 0..<count {
            players.append((randomCoordinate(), randomCoordinate(), 0, 0, 0))
            turn(players.count - 1)
        }
        for _ in 0..<coinCount {
            coins.append((randomCoordinate(), randomCoordinate()))
        }
    }

    private mutating func randomCoordinate() -> Float {
        Float.random(in: 0...Arena.size, using: &random)
    }

    private mutating func turn(_ index: Int) {
        let heading = Float.random(in: 0..<(2 * Float.pi), using: &random)
        let speed = Float.random(in: 3...8, using: &random)
        players[index].vx = speed * cosine(heading)
        players[index].vy = speed * sine(heading)
    }

    /// Advances one tick of `dt` seconds and returns the quantized state.
    mutating func step(dt: Float) -> SnapshotState {
        tick += 1
        for index in players.indices {
            if random.chance(0.03) { turn(index) }
            players[index].x += players[index].vx * dt
            players[index].y += players[index].vy * dt
            if players[index].x < 0 || players[index].x > Arena.size {
                players[index].vx.negate()
                players[index].x = min(max(players[index].x, 0), Arena.size)
            }
            if players[index].y < 0 || players[index].y > Arena.size {
                players[index].vy.negate()
                players[index].y = min(max(players[index].y, 0), Arena.size)
            }
        }
        if random.chance(0.03) {
            let coin = Int.random(in: coins.indices, using: &random)
            coins[coin] = (randomCoordinate(), randomCoordinate())
            players[Int.random(in: players.indices, using: &random)].score += 1
        }
        return SnapshotState(
            tick: tick,
            players: players.enumerated().map { index, player in
                PlayerSnapshot(id: UInt8(index), x: quantizer.quantizeX(player.x), y: quantizer.quantizeY(player.y), score: player.score, connected: true)
            },
            coins: coins.enumerated().map { index, coin in
                CoinSnapshot(id: UInt16(index), x: quantizer.quantizeX(coin.x), y: quantizer.quantizeY(coin.y))
            }
        )
    }

    /// Taylor series are plenty for headings; keeps the test free of Foundation.
    private func sine(_ angle: Float) -> Float {
        var x = angle
        while x > Float.pi { x -= 2 * Float.pi }
        var term = x
        var sum = x
        for n in 1...8 {
            term *= -x * x / Float((2 * n) * (2 * n + 1))
            sum += term
        }
        return sum
    }

    private func cosine(_ angle: Float) -> Float {
        sine(angle + Float.pi / 2)
    }
}

@Suite("Snapshot bandwidth")
struct SnapshotBandwidthTests {
    @Test("10 players at 30 snapshots/s cost at most 32 kbit/s per player, IPv4 and UDP headers included")
    func budget() throws {
        let millisecond = RealtimeFixtures.millisecond
        let tickInterval: UInt64 = 1_000_000_000 / 30
        let seconds: UInt64 = 60
        var arena = Arena(seed: 2024, players: 10, coins: 8)
        var (client, server) = RealtimeFixtures.connectionPair()
        var tracker = SnapshotBaselineTracker()
        var history = SnapshotRing(capacity: tracker.historyCapacity)
        var receiver = SnapshotReceiver()
        var inputs = InputHistory()
        var down = RealtimeTestLink(seed: 31)
        down.delay = 15 * millisecond
        down.jitter = 10 * millisecond
        var up = RealtimeTestLink(seed: 32)
        up.delay = 15 * millisecond
        up.jitter = 10 * millisecond

        var sentStates: [UInt32: SnapshotState] = [:]
        var snapshotBytes: UInt64 = 0
        var snapshotPackets: UInt64 = 0
        var lags: [UInt32] = []
        var nextServerTick = tickInterval
        var nextClientFrame = tickInterval + 10 * millisecond
        var now: UInt64 = 0
        while now < seconds * 1_000_000_000 {
            for flight in up.deliver(upTo: now) {
                tracker.acknowledge(server.open(flight.packet, now: now).newlyAcked)
            }
            if now >= nextServerTick {
                let state = arena.step(dt: 1 / 30)
                sentStates[state.tick] = state
                let payload = try tracker.makePayload(for: state, history: &history, lastProcessedInput: 0, now: now, sequence: server.nextSequence)
                let packet = server.seal(type: .snapshot, payload: payload, now: now)
                snapshotBytes += UInt64(packet.readableBytes)
                snapshotPackets += 1
                down.send(packet, sequence: server.nextSequence - 1, now: now)
                nextServerTick += tickInterval
            }
            for flight in down.deliver(upTo: now) {
                let payload = try #require(client.open(flight.packet, now: now).payload)
                let message = try receiver.receive(payload).get()
                #expect(message.state == sentStates[message.state.tick])
                if let baseline = message.baselineTick { lags.append(message.state.tick - baseline) }
            }
            if now >= nextClientFrame {
                inputs.append(InputCommand(moveX: 1, moveY: -1, buttons: 0), now: now)
                up.send(client.seal(type: .input, payload: inputs.message()!.encoded(), now: now), sequence: client.nextSequence - 1, now: now)
                nextClientFrame += tickInterval
            }
            now += millisecond
        }

        let duration = Double(seconds)
        let snapshotBitsPerSecond = Double(snapshotBytes + UInt64(RealtimePacket.ipv4UDPOverhead) * snapshotPackets) * 8 / duration
        let inputRates = client.stats.rates(since: ConnectionStats(), elapsedNanoseconds: seconds * 1_000_000_000)
        let inputBitsPerSecond = inputRates.linkBitsPerSecond().sent
        let meanLag = Double(lags.reduce(0, +)) / Double(lags.count)
        print(
            "snapshot stream: \(Int(snapshotBitsPerSecond)) bit/s over \(snapshotPackets) packets, mean \(snapshotBytes / snapshotPackets) B + 28 B headers, mean baseline lag \(meanLag) ticks; input stream: \(Int(inputBitsPerSecond)) bit/s"
        )
        #expect(snapshotBitsPerSecond <= 32_000, "snapshot stream costs \(snapshotBitsPerSecond) bit/s")
        #expect(snapshotPackets >= 30 * seconds - 1)
        #expect(receiver.stats.decodedDelta + receiver.stats.decodedFull == snapshotPackets)
        #expect(receiver.stats.decodedDelta > snapshotPackets * 99 / 100)
        #expect(lags.allSatisfy { (2...3).contains($0) }, "baseline lags outside 2...3: \(Set(lags))")
        #expect(meanLag > 2 && meanLag < 3)
    }
}
