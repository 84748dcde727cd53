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
struct InputPolicy {
    let behaviour: BotBehaviour
    let playerID: UInt8
    private var random: SplitMix64
    private var heading: (x: Int8, y: Int8) = (0, 0)
    private var headingFramesLeft = 0

    init(behaviour: BotBehaviour, playerID: UInt8, seed: UInt64) {
        self.behaviour = behaviour
        self.playerID = playerID
        self.random = SplitMix64(seed: seed)
    }

    mutating func next(seeing state: SnapshotState?) -> InputCommand {
        switch self.behaviour {
        case .idle:
            return InputCommand()
        case .wander:
            return self.wander()
        case .chase:
            guard let state, let me = state.players.first(where: { $0.id == self.playerID }), !state.coins.isEmpty else {
                return self.wander()
            }
            let target = state.coins.min { Self.distance(me, $0) < Self.distance(me, $1) }!
            let dx = Double(Int(target.x) - Int(me.x))
            let dy = Double(Int(target.y) - Int(me.y))
            let length = max((dx * dx + dy * dy).squareRoot(), 1)
            return InputCommand(moveX: Int8(127 * dx / length), moveY: Int8(127 * dy / length), buttons: 0)
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
