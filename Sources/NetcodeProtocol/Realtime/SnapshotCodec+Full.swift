import NIOCore

/// Full body:
/// ```
/// u8 player count, then per player (8 bytes): id u8, x u16, y u16, score u16, flags u8
/// u8 coin count, then per coin (6 bytes): id u16, x u16, y u16
/// ```
/// Entries are in increasing id order; a decoder rejects repeated or unordered ids.
extension SnapshotCodec {
    static func writeFull(_ state: SnapshotState, to writer: inout SnapshotWriter) {
        writer.write(UInt8(state.players.count))
        for player in state.players {
            writer.write(player.id)
            writer.write(player.x)
            writer.write(player.y)
            writer.write(player.score)
            writer.write(player.flags)
        }
        writer.write(UInt8(state.coins.count))
        for coin in state.coins {
            writeCoin(coin, to: &writer)
        }
    }

    static func readFull(tick: UInt32, from buffer: inout ByteBuffer) throws(RealtimeDecodingError) -> SnapshotState {
        guard let playerCount = buffer.readInteger(as: UInt8.self) else { throw .malformed("player count missing") }
        var players: [PlayerSnapshot] = []
        players.reserveCapacity(Int(playerCount))
        for _ in 0..<playerCount {
            guard
                let id = buffer.readInteger(as: UInt8.self),
                let x = buffer.readInteger(as: UInt16.self),
                let y = buffer.readInteger(as: UInt16.self),
                let score = buffer.readInteger(as: UInt16.self),
                let flags = buffer.readInteger(as: UInt8.self)
            else { throw .malformed("player entry truncated") }
            if let last = players.last, last.id >= id { throw .malformed("player ids not increasing") }
            players.append(PlayerSnapshot(id: id, x: x, y: y, score: score, flags: flags))
        }
        let coins = try readCoins(from: &buffer, what: "coin")
        return SnapshotState(tick: tick, players: players, coins: coins)
    }

    static func writeCoin(_ coin: CoinSnapshot, to writer: inout SnapshotWriter) {
        writer.write(coin.id)
        writer.write(coin.x)
        writer.write(coin.y)
    }

    /// Reads a u8 count and that many coins in increasing id order.
    static func readCoins(from buffer: inout ByteBuffer, what: String) throws(RealtimeDecodingError) -> [CoinSnapshot] {
        guard let count = buffer.readInteger(as: UInt8.self) else { throw .malformed("\(what) count missing") }
        var coins: [CoinSnapshot] = []
        coins.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard
                let id = buffer.readInteger(as: UInt16.self),
                let x = buffer.readInteger(as: UInt16.self),
                let y = buffer.readInteger(as: UInt16.self)
            else { throw .malformed("\(what) entry truncated") }
            if let last = coins.last, last.id >= id { throw .malformed("\(what) ids not increasing") }
            coins.append(CoinSnapshot(id: id, x: x, y: y))
        }
        return coins
    }
}
