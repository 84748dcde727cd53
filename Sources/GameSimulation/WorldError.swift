/// Why a player could not join a `World`.
public enum WorldError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The match already has `config.maxPlayers` players (players who left still count).
    case full(maxPlayers: Int)
    /// A player with this id already joined this match.
    case duplicatePlayer(PlayerID)
    /// The match is over; nobody can join it.
    case matchFinished

    public var description: String {
        switch self {
        case .full(let maxPlayers):
            return "the match is full: it already has \(maxPlayers) players, the configured maximum"
        case .duplicatePlayer(let id):
            return "player \(id) is already in this match: use another id"
        case .matchFinished:
            return "the match is over: players can no longer join it"
        }
    }
}
