import NIOCore

extension SnapshotCodec {
    /// Rebuilds the full state from a delta body (layout in SnapshotCodec+DeltaEncoding.swift) and the
    /// baseline it was encoded against. Rejects what an encoder would never write: unordered or
    /// repeated ids, reserved mask bits, a new player without every field, removals of what the
    /// baseline lacks, and an id both changed and removed.
    static func readDelta(
        tick: UInt32,
        against baseline: SnapshotState,
        from buffer: inout ByteBuffer
    ) throws(RealtimeDecodingError) -> SnapshotState {
        var players = Dictionary(baseline.players.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        guard let changedCount = buffer.readInteger(as: UInt8.self) else { throw .malformed("changed player count missing") }
        var changedIDs = Set<UInt8>()
        var previousID = -1
        for _ in 0..<changedCount {
            let player = try readChangedPlayer(from: &buffer, baseline: players, previousID: previousID)
            previousID = Int(player.id)
            changedIDs.insert(player.id)
            players[player.id] = player
        }

        guard let removedCount = buffer.readInteger(as: UInt8.self) else { throw .malformed("removed player count missing") }
        previousID = -1
        for _ in 0..<removedCount {
            guard let id = buffer.readInteger(as: UInt8.self) else { throw .malformed("removed player id truncated") }
            guard Int(id) > previousID else { throw .malformed("removed player ids not increasing") }
            guard baseline.players.contains(where: { $0.id == id }), !changedIDs.contains(id) else {
                throw .malformed("removed player \(id) is not in the baseline or was also changed")
            }
            previousID = Int(id)
            players[id] = nil
        }

        var coins = Dictionary(baseline.coins.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let changedCoins = try readCoins(from: &buffer, what: "changed coin")
        for coin in changedCoins {
            coins[coin.id] = coin
        }
        let changedCoinIDs = Set(changedCoins.map(\.id))
        guard let removedCoinCount = buffer.readInteger(as: UInt8.self) else { throw .malformed("removed coin count missing") }
        var previousCoinID = -1
        for _ in 0..<removedCoinCount {
            guard let id = buffer.readInteger(as: UInt16.self) else { throw .malformed("removed coin id truncated") }
            guard Int(id) > previousCoinID else { throw .malformed("removed coin ids not increasing") }
            guard baseline.coins.contains(where: { $0.id == id }), !changedCoinIDs.contains(id) else {
                throw .malformed("removed coin \(id) is not in the baseline or was also changed")
            }
            previousCoinID = Int(id)
            coins[id] = nil
        }
        return SnapshotState(tick: tick, players: Array(players.values), coins: Array(coins.values))
    }

    private static func readChangedPlayer(
        from buffer: inout ByteBuffer,
        baseline: [UInt8: PlayerSnapshot],
        previousID: Int
    ) throws(RealtimeDecodingError) -> PlayerSnapshot {
        guard let id = buffer.readInteger(as: UInt8.self), let mask = buffer.readInteger(as: UInt8.self) else {
            throw .malformed("changed player entry truncated")
        }
        guard Int(id) > previousID else { throw .malformed("changed player ids not increasing") }
        guard mask & 0xF0 == 0 else { throw .malformed("player \(id) mask has reserved bits set") }
        let base = baseline[id]
        guard base != nil || mask == newPlayerMask else {
            throw .malformed("player \(id) is new but its entry does not carry every field")
        }
        var player = base ?? PlayerSnapshot(id: id, x: 0, y: 0, score: 0, flags: 0)
        switch PositionEncoding(rawValue: mask & 0x03) ?? .unchanged {
        case .unchanged:
            break
        case .small:
            guard let dx = buffer.readInteger(as: Int8.self), let dy = buffer.readInteger(as: Int8.self) else {
                throw .malformed("player \(id) position truncated")
            }
            player.x = player.x &+ UInt16(bitPattern: Int16(dx))
            player.y = player.y &+ UInt16(bitPattern: Int16(dy))
        case .medium:
            guard
                let high = buffer.readInteger(as: UInt8.self),
                let middle = buffer.readInteger(as: UInt8.self),
                let low = buffer.readInteger(as: UInt8.self)
            else { throw .malformed("player \(id) position truncated") }
            let packedX = UInt16(high) << 4 | UInt16(middle >> 4)
            let packedY = UInt16(middle & 0x0F) << 8 | UInt16(low)
            // Shift the 12-bit value to the top and back to extend its sign.
            let dx = Int16(bitPattern: packedX << 4) >> 4
            let dy = Int16(bitPattern: packedY << 4) >> 4
            player.x = player.x &+ UInt16(bitPattern: dx)
            player.y = player.y &+ UInt16(bitPattern: dy)
        case .absolute:
            guard let x = buffer.readInteger(as: UInt16.self), let y = buffer.readInteger(as: UInt16.self) else {
                throw .malformed("player \(id) position truncated")
            }
            player.x = x
            player.y = y
        }
        if mask & scoreBit != 0 {
            guard let score = buffer.readInteger(as: UInt16.self) else { throw .malformed("player \(id) score truncated") }
            player.score = score
        }
        if mask & flagsBit != 0 {
            guard let flags = buffer.readInteger(as: UInt8.self) else { throw .malformed("player \(id) flags truncated") }
            player.flags = flags
        }
        return player
    }
}
