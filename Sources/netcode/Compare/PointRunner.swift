import BotSwarm
import Comparison
import LinkEmulator
import NetcodeProtocol

/// One measurement: a transport through a link, for a while.
public struct PointSpec: Sendable {
    public var loss: Double
    public var transport: UpdateTransport
    public var link: LinkProfile
    public var runIndex: Int
    public var seed: UInt64
    public var parameters: ComparisonParameters
}

/// Runs one point: starts a server and a few bots that play one match through the link, and returns the
/// bots' report. `progress` gets the swarm's live line each second.
public protocol PointRunner: Sendable {
    /// Whether this runner's TCP really crosses the impaired link.
    var impairsTCP: Bool { get }
    func run(_ point: PointSpec, progress: @escaping @Sendable (String) -> Void) async throws -> SwarmReport
}
