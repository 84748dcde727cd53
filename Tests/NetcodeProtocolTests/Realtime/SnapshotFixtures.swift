@testable import NetcodeProtocol

/// Random snapshot streams for the codec tests.
struct SnapshotStreamGenerator {
    var random: RealtimeFixtures.Random
    private(set) var current: SnapshotState

    init(seed: UInt64) {
        random = RealtimeFixtures.Random(seed: seed)
        current = SnapshotState(tick: 1, players: [], coins: [])
        current = SnapshotState(tick: 1, players: (0..<8).map { randomPlayer(id: UInt8($0)) }, coins: (0..<6).map { randomCoin(id: UInt16($0)) })
    }

    private mutating func randomPlayer(id: UInt8) -> PlayerSnapshot {
        PlayerSnapshot(
            id: id,
            x: UInt16.random(in: 0...UInt16.max, using: &random),
            y: UInt16.random(in: 0...UInt16.max, using: &random),
            score: UInt16.random(in: 0...100, using: &random),
            flags: UInt8.random(in: 0...3, using: &random)
        )
    }

    private mutating func randomCoin(id: UInt16) -> CoinSnapshot {
        CoinSnapshot(id: id, x: UInt16.random(in: 0...UInt16.max, using: &random), y: UInt16.random(in: 0...UInt16.max, using: &random))
    }

    /// The next tick: small and large moves (wrapping at the edges of the 16-bit range on purpose),
    /// score and flag changes, players and coins coming and going.
    mutating func next() -> SnapshotState {
        var players: [PlayerSnapshot] = []
        for var player in current.players {
            if random.chance(0.03) { continue }
            switch Int.random(in: 0..<10, using: &random) {
            case 0: break
            case 1...5:
                player.x = player.x &+ UInt16(bitPattern: Int16.random(in: -100...100, using: &random))
                player.y = player.y &+ UInt16(bitPattern: Int16.random(in: -100...100, using: &random))
            case 6...8:
                player.x = player.x &+ UInt16(bitPattern: Int16.random(in: -2048...2047, using: &random))
                player.y = player.y &+ UInt16(bitPattern: Int16.random(in: -300...300, using: &random))
            default:
                player.x = UInt16.random(in: 0...UInt16.max, using: &random)
                player.y = UInt16.random(in: 0...UInt16.max, using: &random)
            }
            if random.chance(0.1) { player.score &+= 1 }
            if random.chance(0.05) { player.flags ^= 1 }
            players.append(player)
        }
        let playerIDs = Set(players.map(\.id))
        if random.chance(0.05), let id = (0..<UInt8(24)).filter({ !playerIDs.contains($0) }).randomElement(using: &random) {
            players.append(randomPlayer(id: id))
        }
        var coins = current.coins.filter { _ in !random.chance(0.03) }
        for index in coins.indices where random.chance(0.05) {
            coins[index].x = UInt16.random(in: 0...UInt16.max, using: &random)
        }
        let coinIDs = Set(coins.map(\.id))
        if random.chance(0.05), let id = (0..<UInt16(40)).filter({ !coinIDs.contains($0) }).randomElement(using: &random) {
            coins.append(randomCoin(id: id))
        }
        current = SnapshotState(tick: current.tick + 1, players: players, coins: coins)
        return current
    }
}
