import NetcodeProtocol
import SeededRandom

/// How a bot moves. Each behaviour is seeded, so a swarm run can be repeated exactly.
public enum BotBehaviour: String, Sendable, CaseIterable, Codable {
    /// Picks a random heading and keeps it for a while.
    case wander
    /// Heads for the nearest coin it can see.
    case chase
    /// Sends no movement at all (a player who is connected but idle).
    case idle
}

/// Turns what the client currently displays into the next input. Pure: state and a seeded generator.
///
/// The client shows it each newest snapshot as it arrives (``see(_:)``), while the snapshot is in the
/// processor's caches, and it keeps the one thing it needs from it (the chase's heading); ``next()`` at
/// each input then reads nothing of the snapshot, which by then has long left the caches of a swarm of
/// thousands. The inputs are the same as reading the newest snapshot at each input.
struct InputPolicy {
    let behaviour: BotBehaviour
    let playerID: UInt8
    private var random: SplitMix64
    private var heading: (x: Int8, y: Int8) = (0, 0)
    private var headingFramesLeft = 0
    /// Toward the nearest coin in the newest snapshot; nil before one, or when it shows no coin or not
    /// this player (the bot then wanders).
    private var chaseInput: InputCommand?

    init(behaviour: BotBehaviour, playerID: UInt8, seed: UInt64) {
        self.behaviour = behaviour
        self.playerID = playerID
        self.random = SplitMix64(seed: seed)
    }

    /// Takes in the newest snapshot the client shows.
    mutating func see(_ state: SnapshotState) {
        guard self.behaviour == .chase else { return }
        guard let me = state.players.first(where: { $0.id == self.playerID }), !state.coins.isEmpty else {
            self.chaseInput = nil
            return
        }
        let target = state.coins.min { Self.distance(me, $0) < Self.distance(me, $1) }!
        let dx = Double(Int(target.x) - Int(me.x))
        let dy = Double(Int(target.y) - Int(me.y))
        let length = max((dx * dx + dy * dy).squareRoot(), 1)
        self.chaseInput = InputCommand(moveX: Int8(127 * dx / length), moveY: Int8(127 * dy / length), buttons: 0)
    }

    /// The next input, from the newest snapshot seen.
    mutating func next() -> InputCommand {
        switch self.behaviour {
        case .idle:
            return InputCommand()
        case .wander:
            return self.wander()
        case .chase:
            return self.chaseInput ?? self.wander()
        }
    }

    private mutating func wander() -> InputCommand {
        if self.headingFramesLeft <= 0 {
            self.heading = (Int8.random(in: -127...127, using: &self.random), Int8.random(in: -127...127, using: &self.random))
            self.headingFramesLeft = Int.random(in: 15...90, using: &self.random)
        }
        self.headingFramesLeft -= 1
        return InputCommand(moveX: self.heading.x, moveY: self.heading.y, buttons: 0)
    }

    private static func distance(_ player: PlayerSnapshot, _ coin: CoinSnapshot) -> Int {
        let dx = Int(coin.x) - Int(player.x)
        let dy = Int(coin.y) - Int(player.y)
        return dx * dx + dy * dy
    }
}
