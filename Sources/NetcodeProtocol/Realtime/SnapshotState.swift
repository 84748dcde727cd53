/// One player as a snapshot carries it: quantized position (see ``Quantizer``), score and flags.
public struct PlayerSnapshot: Sendable, Hashable {
    /// ``flags`` bit 0: the player is connected.
    public static let connectedFlag: UInt8 = 1

    public var id: UInt8
    public var x: UInt16
    public var y: UInt16
    public var score: UInt16
    public var flags: UInt8

    public init(id: UInt8, x: UInt16, y: UInt16, score: UInt16, flags: UInt8) {
        self.id = id
        self.x = x
        self.y = y
        self.score = score
        self.flags = flags
    }

    public init(id: UInt8, x: UInt16, y: UInt16, score: UInt16, connected: Bool) {
        self.init(id: id, x: x, y: y, score: score, flags: connected ? Self.connectedFlag : 0)
    }

    public var isConnected: Bool { flags & Self.connectedFlag != 0 }
}

/// One coin: quantized position.
public struct CoinSnapshot: Sendable, Hashable {
    public var id: UInt16
    public var x: UInt16
    public var y: UInt16

    public init(id: UInt16, x: UInt16, y: UInt16) {
        self.id = id
        self.x = x
        self.y = y
    }
}

/// The world at one tick, as the server sends it. Players and coins are kept sorted by id, so two
/// states with the same content compare equal however they were built; ids must be unique.
public struct SnapshotState: Sendable, Equatable {
    public var tick: UInt32
    public private(set) var players: [PlayerSnapshot]
    public private(set) var coins: [CoinSnapshot]

    public init(tick: UInt32, players: [PlayerSnapshot], coins: [CoinSnapshot]) {
        self.tick = tick
        self.players = players.sorted { $0.id < $1.id }
        self.coins = coins.sorted { $0.id < $1.id }
        self.hasUniqueIDs = zip(self.players, self.players.dropFirst()).allSatisfy { $0.id != $1.id }
            && zip(self.coins, self.coins.dropFirst()).allSatisfy { $0.id != $1.id }
    }

    /// A state from lists already sorted by id (the delta decoder builds them by a merge). With
    /// `knownUnique`, the caller knows no id repeats and the lists are not scanned again: the delta
    /// decoder's lists are strictly increasing whenever its baseline's are (it refuses repeated or
    /// unordered ids in a delta itself), which saves a scan of every snapshot.
    init(tick: UInt32, sortedPlayers: [PlayerSnapshot], sortedCoins: [CoinSnapshot], knownUnique: Bool = false) {
        self.tick = tick
        self.players = sortedPlayers
        self.coins = sortedCoins
        self.hasUniqueIDs = knownUnique
            || (zip(sortedPlayers, sortedPlayers.dropFirst()).allSatisfy { $0.id < $1.id }
                && zip(sortedCoins, sortedCoins.dropFirst()).allSatisfy { $0.id < $1.id })
    }

    /// Whether no two players and no two coins share an id (the codec refuses states where they do).
    public let hasUniqueIDs: Bool
}
