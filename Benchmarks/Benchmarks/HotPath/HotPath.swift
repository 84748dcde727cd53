import Benchmark
import NIOCore
import NetcodeProtocol

/// What the server does per datagram, one piece at a time, with allocation counts: opening an input
/// packet (header, tag, replay window, acks) and decoding its newest input; encoding a full and a delta
/// snapshot of a 10-player match; sealing a snapshot packet in place.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.cpuTotal, .wallClock, .mallocCountTotal, .throughput],
        warmupIterations: 1_000,
        scalingFactor: .kilo,
        maxDuration: .seconds(3)
    )

    let key: [UInt8] = (0..<32).map { (index: Int) -> UInt8 in UInt8(index &* 7 &+ 1) }
    var players: [PlayerSnapshot] = []
    for index in 1...10 {
        let x = UInt16(index * 3_000)
        let y = UInt16(20_000 + index * 97)
        players.append(PlayerSnapshot(id: UInt8(index), x: x, y: y, score: UInt16(index), connected: true))
    }
    var coins: [CoinSnapshot] = []
    for index in 1...8 {
        coins.append(CoinSnapshot(id: UInt16(index), x: UInt16(index * 5_000), y: UInt16(index * 4_000)))
    }
    let baseline = SnapshotState(tick: 100, players: players, coins: coins)
    // One tick later: every player moved by a chasing bot's step (a 12-bit delta), one coin replaced.
    let moved: [PlayerSnapshot] = players.map { (player: PlayerSnapshot) -> PlayerSnapshot in
        PlayerSnapshot(id: player.id, x: player.x &+ 273, y: player.y &- 150, score: player.score, flags: player.flags)
    }
    let next = SnapshotState(tick: 101, players: moved, coins: Array(coins.dropFirst()) + [CoinSnapshot(id: 9, x: 1_234, y: 4_321)])
    let message = SnapshotMessage(state: next, sendTime: 123_456_789_000, lastProcessedInput: 77)

    Benchmark("input packet: open and decode the newest input") { benchmark in
        // A client's stream of input packets, sealed up front; the server side opens them.
        var client = RealtimeConnection(sessionID: 9, keyBytes: key)
        var history = InputHistory(redundancy: 5)
        var packets: [ByteBuffer] = []
        for index in 0..<(benchmark.scaledIterations.count + 1) {
            _ = history.append(InputCommand(moveX: Int8(index % 100), moveY: -3), now: UInt64(index) * 33_000_000)
            packets.append(client.seal(type: .input, payload: history.message()!.encoded(), now: UInt64(index)))
        }
        var server = RealtimeConnection(sessionID: 9, keyBytes: key)
        var inputs = InputReceiver()
        benchmark.startMeasurement()
        for index in benchmark.scaledIterations {
            if case .accepted(_, let payload, _) = server.open(packets[index], now: UInt64(index)) {
                blackHole(try? inputs.receiveNewest(payload))
            }
        }
    }

    Benchmark("snapshot: full encode, 10 players") { benchmark in
        var buffer = ByteBuffer()
        buffer.reserveCapacity(256)
        for _ in benchmark.scaledIterations {
            buffer.clear()
            try? SnapshotCodec.encode(message, baseline: nil, into: &buffer)
            blackHole(buffer.readableBytes)
        }
    }

    Benchmark("snapshot: delta encode, 10 players") { benchmark in
        var buffer = ByteBuffer()
        buffer.reserveCapacity(256)
        for _ in benchmark.scaledIterations {
            buffer.clear()
            try? SnapshotCodec.encode(message, baseline: baseline, into: &buffer)
            blackHole(buffer.readableBytes)
        }
    }

    Benchmark("snapshot packet: seal in place (header, delta, tag)") { benchmark in
        var connection = RealtimeConnection(sessionID: 9, keyBytes: key)
        for index in benchmark.scaledIterations {
            var packet = connection.startPacket(type: .snapshot, payloadCapacity: 128)
            try? SnapshotCodec.encode(message, baseline: baseline, into: &packet)
            connection.finishPacket(&packet, now: UInt64(index))
            blackHole(packet)
        }
    }
}
