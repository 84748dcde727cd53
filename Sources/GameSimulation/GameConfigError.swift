/// Why a `GameConfig` cannot run a match. The description says what is wrong and what is allowed.
public enum GameConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    case tickRateOutOfRange(Int)
    case arenaSizeOutOfRange(width: Float, height: Float)
    case durationOutOfRange(seconds: Double)
    case maxPlayersOutOfRange(Int)
    case coinCountOutOfRange(Int)
    case coinValueZero
    case pickupRadiusOutOfRange(Float)
    case maxSpeedOutOfRange(Float)
    case frictionOutOfRange(Float)
    /// Acceleration must beat friction, or a player could never start moving.
    case accelerationOutOfRange(acceleration: Float, friction: Float)

    public var description: String {
        switch self {
        case .tickRateOutOfRange(let rate):
            return "tick rate \(rate) is out of range: use \(GameConfig.tickRateRange.lowerBound)"
                + "...\(GameConfig.tickRateRange.upperBound) ticks per second"
        case .arenaSizeOutOfRange(let width, let height):
            return "arena size \(width) x \(height) m is out of range: each side must be "
                + "\(GameConfig.arenaSideRange.lowerBound)...\(GameConfig.arenaSideRange.upperBound) m"
        case .durationOutOfRange(let seconds):
            return "match duration \(seconds) s is out of range: use more than one tick and at most "
                + "\(GameConfig.maxDurationSeconds) s"
        case .maxPlayersOutOfRange(let count):
            return "max players \(count) is out of range: use 1...\(GameConfig.playerLimit)"
        case .coinCountOutOfRange(let count):
            return "coin count \(count) is out of range: use 0...\(GameConfig.coinLimit)"
        case .coinValueZero:
            return "coin value is 0: a coin must be worth at least 1 point"
        case .pickupRadiusOutOfRange(let radius):
            return "pickup radius \(radius) m is out of range: use more than 0 and at most "
                + "\(GameConfig.maxPickupRadius) m"
        case .maxSpeedOutOfRange(let speed):
            return "max speed \(speed) m/s is out of range: use more than 0 and at most "
                + "\(GameConfig.speedLimit) m/s"
        case .frictionOutOfRange(let friction):
            return "friction \(friction) m/s² is out of range: use a finite value of 0 or more"
        case .accelerationOutOfRange(let acceleration, let friction):
            return "acceleration \(acceleration) m/s² is out of range: it must be more than friction "
                + "(\(friction) m/s²) so players can move, and at most \(GameConfig.accelerationLimit) m/s²"
        }
    }
}
