/// The authoritative state of one match, advanced one fixed tick at a time by `step(inputs:)`.
///
/// A `World` is a value: copying it snapshots the whole match, and two worlds built from the same
/// configuration that see the same calls in the same order stay equal (`==`) tick for tick. It reads no
/// clock and does no I/O; the caller decides when a tick happens.
///
/// Cost: a step is O(players × coins) and, once every player has joined, allocates nothing as long as
/// the caller does not hold on to copies of `players` or `coins` (holding one makes the next step copy
/// that array once, by copy-on-write).
public struct World: Sendable, Equatable {
    /// The rules of this match.
    public let config: GameConfig
    /// Number of steps taken so far; the match ends when it reaches `config.durationTicks`.
    public internal(set) var tick: UInt32
    /// Every player who joined, connected or not, sorted by id.
    public internal(set) var players: [PlayerState]
    /// The coins lying in the arena; always `config.coinCount` of them. A picked coin's replacement
    /// takes its slot, so the order is stable.
    public internal(set) var coins: [Coin]

    /// The input each player is acting on, parallel to `players`; kept between ticks because a
    /// server that misses a packet should repeat the last known input rather than stop the player.
    var inputs: [PlayerInput]
    /// Index into `players` for each possible id, or -1: O(1) lookups without a dictionary.
    var slots: [Int16]
    /// Draws coin places; separate from `spawnRandom` so the coin layout does not depend on who joins.
    var coinRandom: SplitMix64
    /// Draws player spawn points.
    var spawnRandom: SplitMix64
    /// The id the next new coin gets.
    var nextCoinID: UInt16

    /// Creates a match at tick 0 with no players and `config.coinCount` coins placed from `config.seed`.
    ///
    /// - Precondition: `config.validate()` does not throw. Validate configurations that come from
    ///   outside (files, command lines, network) first to report problems as errors.
    public init(config: GameConfig) {
        do {
            try config.validate()
        } catch {
            preconditionFailure("invalid GameConfig: \(error)")
        }
        self.config = config
        self.tick = 0
        self.players = []
        self.inputs = []
        self.slots = Array(repeating: -1, count: Int(PlayerID.max) + 1)
        self.coinRandom = SplitMix64(seed: config.seed)
        // A different stream from the same seed: one SplitMix64 output is a well-mixed new seed.
        var mixer = SplitMix64(seed: config.seed ^ 0x5350_4157_4E53_4545)
        self.spawnRandom = SplitMix64(seed: mixer.next())
        self.nextCoinID = 0
        self.coins = []
        players.reserveCapacity(config.maxPlayers)
        inputs.reserveCapacity(config.maxPlayers)
        coins.reserveCapacity(config.coinCount)
        for _ in 0..<config.coinCount {
            coins.append(makeCoin())
        }
    }

    /// `true` once `tick` reaches `config.durationTicks`; further steps do nothing.
    public var isFinished: Bool {
        Int(tick) >= config.durationTicks
    }

    /// Ticks left before the match ends.
    public var remainingTicks: Int {
        max(0, config.durationTicks - Int(tick))
    }

    /// The player with this id, connected or not, or `nil` if no such player joined.
    public func player(_ id: PlayerID) -> PlayerState? {
        guard let index = index(of: id) else { return nil }
        return players[index]
    }

    /// The input the player is acting on: the last one received, or `.idle`.
    public func currentInput(of id: PlayerID) -> PlayerInput? {
        guard let index = index(of: id) else { return nil }
        return inputs[index]
    }

    func index(of id: PlayerID) -> Int? {
        let slot = slots[Int(id)]
        return slot < 0 ? nil : Int(slot)
    }
}
