import NIOCore

extension SnapshotCodec {
    /// Rebuilds the full state from a delta body (layout in SnapshotCodec+DeltaEncoding.swift) and the
    /// baseline it was encoded against. Rejects what an encoder would never write: unordered or
    /// repeated ids, an explicit id a gap could have said, a new player without every field, removals
    /// of what the baseline lacks, an id both changed and removed, and a section announced by the base
    /// byte that turns out empty.
    ///
    /// - Parameters:
    ///   - removedPlayers: the base byte announced a removed-player list.
    ///   - coins: the base byte announced the coin lists.
    static func readDelta(
        tick: UInt32,
        against baseline: SnapshotState,
        removedPlayers: Bool,
        coins: Bool,
        from buffer: inout ByteBuffer
    ) throws(RealtimeDecodingError) -> SnapshotState {
        // The baseline's lists are sorted by id and the body's ids are increasing, so the players are
        // read with a cursor into the baseline straight into the result, in one pass: the baseline's
        // entries below each changed id are copied, the changed one takes its place or is added. No
        // dictionaries, no sets, no list of changes (one allocation, the result's).
        let basePlayers = baseline.players
        guard let changedCount = buffer.readInteger(as: UInt8.self) else { throw .malformed("changed player count missing") }
        var players: [PlayerSnapshot] = []
        players.reserveCapacity(basePlayers.count + Int(changedCount))
        var changedIDs = PlayerIDSet()
        var cursor = 0
        var previousID = -1
        for _ in 0..<changedCount {
            let player = try readChangedPlayer(from: &buffer, previousID: previousID) { id in
                while cursor < basePlayers.count, basePlayers[cursor].id < id {
                    players.append(basePlayers[cursor])
                    cursor += 1
                }
                return cursor < basePlayers.count && basePlayers[cursor].id == id ? basePlayers[cursor] : nil
            }
            if cursor < basePlayers.count, basePlayers[cursor].id == player.id { cursor += 1 }
            players.append(player)
            changedIDs.insert(player.id)
            previousID = Int(player.id)
        }
        if cursor < basePlayers.count { players.append(contentsOf: basePlayers[cursor...]) }

        var removedCount: UInt8 = 0
        if removedPlayers {
            guard let count = buffer.readInteger(as: UInt8.self) else { throw .malformed("removed player count missing") }
            guard count > 0 else { throw .malformed("an announced removed-player list is empty") }
            removedCount = count
        }
        var removedIDs = PlayerIDSet()
        var lastRemoved = -1
        cursor = 0
        for _ in 0..<removedCount {
            guard let id = buffer.readInteger(as: UInt8.self) else { throw .malformed("removed player id truncated") }
            guard Int(id) > lastRemoved else { throw .malformed("removed player ids not increasing") }
            while cursor < basePlayers.count, basePlayers[cursor].id < id { cursor += 1 }
            guard cursor < basePlayers.count, basePlayers[cursor].id == id, !changedIDs.contains(id)
            else { throw .malformed("removed player \(id) is not in the baseline or was also changed") }
            removedIDs.insert(id)
            lastRemoved = Int(id)
        }
        if removedCount > 0 { players.removeAll { removedIDs.contains($0.id) } }

        let changedCoins = coins ? try readCoins(from: &buffer, what: "changed coin") : []
        let baseCoins = baseline.coins
        var removedCoinCount: UInt8 = 0
        if coins {
            guard let count = buffer.readInteger(as: UInt8.self) else { throw .malformed("removed coin count missing") }
            guard count > 0 || !changedCoins.isEmpty else { throw .malformed("announced coin lists are both empty") }
            removedCoinCount = count
        }
        var removedCoins: [UInt16] = []
        removedCoins.reserveCapacity(Int(removedCoinCount))
        cursor = 0
        var changedCursor = 0
        for _ in 0..<removedCoinCount {
            guard let id = buffer.readInteger(as: UInt16.self) else { throw .malformed("removed coin id truncated") }
            guard Int(id) > (removedCoins.last.map(Int.init) ?? -1) else { throw .malformed("removed coin ids not increasing") }
            while cursor < baseCoins.count, baseCoins[cursor].id < id { cursor += 1 }
            while changedCursor < changedCoins.count, changedCoins[changedCursor].id < id { changedCursor += 1 }
            guard cursor < baseCoins.count, baseCoins[cursor].id == id,
                  !(changedCursor < changedCoins.count && changedCoins[changedCursor].id == id)
            else { throw .malformed("removed coin \(id) is not in the baseline or was also changed") }
            removedCoins.append(id)
        }
        return SnapshotState(
            tick: tick,
            sortedPlayers: players,
            // Most deltas leave the coins as they were: the baseline's list is shared, not copied.
            sortedCoins: coins ? merge(baseCoins, changed: changedCoins, removed: removedCoins, id: \.id) : baseCoins,
            // The changes' ids are increasing (refused otherwise) and replace the baseline's own: from a
            // baseline without repeated ids, the lists have none either.
            knownUnique: baseline.hasUniqueIDs
        )
    }

    /// The baseline's entries with `changed` put in (replacing or adding) and `removed` taken out; all
    /// three sorted by id, and so is the result.
    private static func merge<Entry, ID: Comparable>(_ base: [Entry], changed: [Entry], removed: [ID], id: (Entry) -> ID) -> [Entry] {
        var result: [Entry] = []
        result.reserveCapacity(base.count + changed.count)
        var c = 0
        var r = 0
        for entry in base {
            let entryID = id(entry)
            while c < changed.count, id(changed[c]) < entryID {
                result.append(changed[c])
                c += 1
            }
            if c < changed.count, id(changed[c]) == entryID {
                result.append(changed[c])
                c += 1
                continue
            }
            while r < removed.count, removed[r] < entryID { r += 1 }
            if r < removed.count, removed[r] == entryID { continue }
            result.append(entry)
        }
        while c < changed.count {
            result.append(changed[c])
            c += 1
        }
        return result
    }

    private static func readChangedPlayer(
        from buffer: inout ByteBuffer,
        previousID: Int,
        baseline: (UInt8) -> PlayerSnapshot?
    ) throws(RealtimeDecodingError) -> PlayerSnapshot {
        guard let head = buffer.readInteger(as: UInt8.self) else { throw .malformed("changed player entry truncated") }
        let mask = head & 0x0F
        let gap = head >> 4
        let id: UInt8
        if gap == explicitIDGap {
            guard let explicit = buffer.readInteger(as: UInt8.self) else { throw .malformed("changed player id truncated") }
            guard Int(explicit) >= previousID + 1 + Int(explicitIDGap) else {
                throw .malformed("player \(explicit) has an explicit id where its gap fits in the head")
            }
            id = explicit
        } else {
            guard previousID + 1 + Int(gap) <= Int(UInt8.max) else { throw .malformed("changed player id past 255") }
            id = UInt8(previousID + 1 + Int(gap))
        }
        let base = baseline(id)
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

/// A set of player ids (0...255) in four words, on the stack.
struct PlayerIDSet {
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    mutating func insert(_ id: UInt8) {
        let bit = UInt64(1) << (id & 63)
        switch id >> 6 {
        case 0: words.0 |= bit
        case 1: words.1 |= bit
        case 2: words.2 |= bit
        default: words.3 |= bit
        }
    }

    func contains(_ id: UInt8) -> Bool {
        let bit = UInt64(1) << (id & 63)
        switch id >> 6 {
        case 0: return words.0 & bit != 0
        case 1: return words.1 & bit != 0
        case 2: return words.2 & bit != 0
        default: return words.3 & bit != 0
        }
    }
}
