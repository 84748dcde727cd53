import NIOCore

/// Delta body, against a baseline state the client acknowledged:
/// ```
/// u8 changed player count, then per player, in increasing id order:
///    head u8: bits 0-3 mask, bits 4-7 id gap g; the id is previous id + 1 + g (previous id = -1 before
///             the first entry); g = 15: the id follows as u8 (and is at least previous id + 16),
///    then the fields the mask names, in this order:
///    mask bits 0-1, position: 0 unchanged
///                             1 dx i8, dy i8                         (2 bytes)
///                             2 dx, dy as 12-bit two's complement    (3 bytes:
///                               dx[11:4] | dx[3:0] dy[11:8] | dy[7:0])
///                             3 x u16, y u16 absolute                (4 bytes)
///    mask bit 2: score u16;  mask bit 3: flags u8
///    dx and dy are differences modulo 65536: x = baseline x + dx (wrapping).
///    A player absent from the baseline must have mask 0x0F (all fields, absolute position).
/// only if the base byte's bit 6 is set (some player left):
///    u8 removed player count (1 or more), then per player: id u8 (increasing; present in the baseline)
/// only if the base byte's bit 7 is set (some coin changed or went):
///    u8 changed coin count, then per coin (new or moved): id u16, x u16, y u16 (increasing ids)
///    u8 removed coin count, then per coin: id u16 (increasing; present in the baseline)
///    (not both counts zero)
/// ```
/// Players and coins not mentioned are as in the baseline. An id both changed and removed is malformed.
/// Players move every tick and rarely leave, coins change now and then: the common snapshot is the
/// changed-player list alone, with one byte per player before its position.
extension SnapshotCodec {
    enum PositionEncoding: UInt8 {
        case unchanged = 0, small = 1, medium = 2, absolute = 3
    }

    static let scoreBit: UInt8 = 0x04
    static let flagsBit: UInt8 = 0x08
    static let newPlayerMask: UInt8 = 0x0F
    /// The id gap that says an explicit id byte follows the head.
    static let explicitIDGap: UInt8 = 15

    /// Writes the delta body and returns the section bits for the base byte (``removedPlayersBit``,
    /// ``coinsBit``) of the sections it wrote.
    ///
    /// - Precondition: both states have at most 255 players and 255 coins (so no count overflows).
    static func writeDelta(
        _ state: SnapshotState,
        against baseline: SnapshotState,
        to writer: inout SnapshotWriter
    ) -> UInt8 {
        // Both states keep their lists sorted by id, so one merge pass finds what changed and what was
        // removed, without building dictionaries or sets (this runs once per player per snapshot).
        let players = state.players
        let basePlayers = baseline.players
        var countAt = writer.offset
        var written: UInt8 = 0
        writer.write(UInt8(0))
        var b = 0
        var previousID = -1
        for player in players {
            while b < basePlayers.count, basePlayers[b].id < player.id { b += 1 }
            let base = b < basePlayers.count && basePlayers[b].id == player.id ? basePlayers[b] : nil
            if base != player {
                writeChangedPlayer(player, base: base, previousID: previousID, to: &writer)
                previousID = Int(player.id)
                written += 1
            }
        }
        writer.patch(written, at: countAt)
        var sections: UInt8 = 0

        // Removed players: the section is written only when there is one, so its count is rewound.
        let removedStart = writer.offset
        written = 0
        writer.write(UInt8(0))
        var s = 0
        for base in basePlayers {
            while s < players.count, players[s].id < base.id { s += 1 }
            if s < players.count, players[s].id == base.id { continue }
            writer.write(base.id)
            written += 1
        }
        if written == 0 {
            writer.rewind(to: removedStart)
        } else {
            writer.patch(written, at: removedStart)
            sections |= removedPlayersBit
        }

        let coins = state.coins
        let baseCoins = baseline.coins
        let coinsStart = writer.offset
        countAt = writer.offset
        written = 0
        writer.write(UInt8(0))
        b = 0
        for coin in coins {
            while b < baseCoins.count, baseCoins[b].id < coin.id { b += 1 }
            if b < baseCoins.count, baseCoins[b] == coin { continue }
            writeCoin(coin, to: &writer)
            written += 1
        }
        writer.patch(written, at: countAt)

        countAt = writer.offset
        written = 0
        writer.write(UInt8(0))
        s = 0
        for base in baseCoins {
            while s < coins.count, coins[s].id < base.id { s += 1 }
            if s < coins.count, coins[s].id == base.id { continue }
            writer.write(base.id)
            written += 1
        }
        writer.patch(written, at: countAt)
        if writer.offset == coinsStart + 2 {
            writer.rewind(to: coinsStart)
        } else {
            sections |= coinsBit
        }
        return sections
    }

    /// The head byte (mask and id gap) and, past the largest gap, the explicit id.
    @inline(__always)
    private static func writeHead(mask: UInt8, id: UInt8, previousID: Int, to buffer: inout SnapshotWriter) {
        let gap = Int(id) - previousID - 1
        if gap < Int(explicitIDGap) {
            buffer.write(UInt8(gap) << 4 | mask)
        } else {
            buffer.write(explicitIDGap << 4 | mask)
            buffer.write(id)
        }
    }

    private static func writeChangedPlayer(_ player: PlayerSnapshot, base: PlayerSnapshot?, previousID: Int, to buffer: inout SnapshotWriter) {
        guard let base else {
            writeHead(mask: newPlayerMask, id: player.id, previousID: previousID, to: &buffer)
            buffer.write(player.x)
            buffer.write(player.y)
            buffer.write(player.score)
            buffer.write(player.flags)
            return
        }
        let dx = Int16(bitPattern: player.x &- base.x)
        let dy = Int16(bitPattern: player.y &- base.y)
        let position: PositionEncoding
        if dx == 0, dy == 0 {
            position = .unchanged
        } else if (-128...127).contains(dx), (-128...127).contains(dy) {
            position = .small
        } else if (-2048...2047).contains(dx), (-2048...2047).contains(dy) {
            position = .medium
        } else {
            position = .absolute
        }
        var mask = position.rawValue
        if player.score != base.score { mask |= scoreBit }
        if player.flags != base.flags { mask |= flagsBit }

        writeHead(mask: mask, id: player.id, previousID: previousID, to: &buffer)
        switch position {
        case .unchanged:
            break
        case .small:
            buffer.write(Int8(dx))
            buffer.write(Int8(dy))
        case .medium:
            let packedX = UInt16(bitPattern: dx) & 0x0FFF
            let packedY = UInt16(bitPattern: dy) & 0x0FFF
            buffer.write(UInt8(packedX >> 4))
            buffer.write(UInt8((packedX & 0x0F) << 4 | packedY >> 8))
            buffer.write(UInt8(packedY & 0xFF))
        case .absolute:
            buffer.write(player.x)
            buffer.write(player.y)
        }
        if mask & scoreBit != 0 { buffer.write(player.score) }
        if mask & flagsBit != 0 { buffer.write(player.flags) }
    }
}
