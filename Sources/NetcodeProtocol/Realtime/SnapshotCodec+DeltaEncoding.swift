import NIOCore

/// Delta body, against a baseline state the client acknowledged:
/// ```
/// u8 changed player count, then per player, in increasing id order:
///    id u8, mask u8, then the fields the mask names, in this order:
///    mask bits 0-1, position: 0 unchanged
///                             1 dx i8, dy i8                         (2 bytes)
///                             2 dx, dy as 12-bit two's complement    (3 bytes:
///                               dx[11:4] | dx[3:0] dy[11:8] | dy[7:0])
///                             3 x u16, y u16 absolute                (4 bytes)
///    mask bit 2: score u16;  mask bit 3: flags u8;  bits 4-7: zero
///    dx and dy are differences modulo 65536: x = baseline x + dx (wrapping).
///    A player absent from the baseline must have mask 0x0F (all fields, absolute position).
/// u8 removed player count, then per player: id u8 (increasing; present in the baseline)
/// u8 changed coin count, then per coin (new or moved): id u16, x u16, y u16 (increasing ids)
/// u8 removed coin count, then per coin: id u16 (increasing; present in the baseline)
/// ```
/// Players and coins not mentioned are as in the baseline. An id both changed and removed is malformed.
extension SnapshotCodec {
    enum PositionEncoding: UInt8 {
        case unchanged = 0, small = 1, medium = 2, absolute = 3
    }

    static let scoreBit: UInt8 = 0x04
    static let flagsBit: UInt8 = 0x08
    static let newPlayerMask: UInt8 = 0x0F

    static func writeDelta(
        _ state: SnapshotState,
        against baseline: SnapshotState,
        to buffer: inout ByteBuffer
    ) throws(SnapshotEncodingError) {
        let basePlayers = Dictionary(baseline.players.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let changedPlayers = state.players.filter { basePlayers[$0.id] != $0 }
        let currentPlayerIDs = Set(state.players.map(\.id))
        let removedPlayers = baseline.players.map(\.id).filter { !currentPlayerIDs.contains($0) }

        let baseCoins = Dictionary(baseline.coins.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let changedCoins = state.coins.filter { baseCoins[$0.id] != $0 }
        let currentCoinIDs = Set(state.coins.map(\.id))
        let removedCoins = baseline.coins.map(\.id).filter { !currentCoinIDs.contains($0) }

        for count in [changedPlayers.count, removedPlayers.count, changedCoins.count, removedCoins.count] where count > 255 {
            throw .tooManyEntries(count)
        }

        buffer.writeInteger(UInt8(changedPlayers.count))
        for player in changedPlayers {
            writeChangedPlayer(player, base: basePlayers[player.id], to: &buffer)
        }
        buffer.writeInteger(UInt8(removedPlayers.count))
        for id in removedPlayers {
            buffer.writeInteger(id)
        }
        buffer.writeInteger(UInt8(changedCoins.count))
        for coin in changedCoins {
            writeCoin(coin, to: &buffer)
        }
        buffer.writeInteger(UInt8(removedCoins.count))
        for id in removedCoins {
            buffer.writeInteger(id)
        }
    }

    private static func writeChangedPlayer(_ player: PlayerSnapshot, base: PlayerSnapshot?, to buffer: inout ByteBuffer) {
        guard let base else {
            buffer.writeInteger(player.id)
            buffer.writeInteger(newPlayerMask)
            buffer.writeInteger(player.x)
            buffer.writeInteger(player.y)
            buffer.writeInteger(player.score)
            buffer.writeInteger(player.flags)
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

        buffer.writeInteger(player.id)
        buffer.writeInteger(mask)
        switch position {
        case .unchanged:
            break
        case .small:
            buffer.writeInteger(Int8(dx))
            buffer.writeInteger(Int8(dy))
        case .medium:
            let packedX = UInt16(bitPattern: dx) & 0x0FFF
            let packedY = UInt16(bitPattern: dy) & 0x0FFF
            buffer.writeInteger(UInt8(packedX >> 4))
            buffer.writeInteger(UInt8((packedX & 0x0F) << 4 | packedY >> 8))
            buffer.writeInteger(UInt8(packedY & 0xFF))
        case .absolute:
            buffer.writeInteger(player.x)
            buffer.writeInteger(player.y)
        }
        if mask & scoreBit != 0 { buffer.writeInteger(player.score) }
        if mask & flagsBit != 0 { buffer.writeInteger(player.flags) }
    }
}
