import BotSwarm
import Comparison
import Foundation
import LinkEmulator
import Logging
import NetcodeClient
import NetcodeProtocol
import NetcodeServer
import NetcodeStore

/// Runs a point in this process: a server and bots on loopback, the link applied to the bots' UDP
/// datagrams by the in-process link model. TCP can't be impaired this way (a userspace byte stream is not
/// kernel TCP meeting loss), so TCP points run over plain loopback and are labelled not impaired.
public struct PortablePointRunner: PointRunner {
    public let impairsTCP = false

    public init() {}

    public func run(_ point: PointSpec, progress: @escaping @Sendable (String) -> Void) async throws -> SwarmReport {
        var logger = Logger(label: "netcode.compare.server")
        logger.logLevel = .error
        var configuration = ServerConfiguration(
            tcpPort: 0,
            udpPort: 0,
            passwordIterations: 1_000,
            defaultTransport: point.transport,
            match: MatchSettings(
                tickRate: point.parameters.tickRate,
                snapshotInterval: point.parameters.snapshotInterval,
                durationSeconds: point.parameters.secondsPerPoint,
                seed: point.seed,
                networkProfile: point.link.name
            )
        )
        configuration.tcpNoDelay = point.parameters.noDelay
        let server = try GameServer(
            configuration: configuration,
            database: try NetcodeDatabase.inMemory(),
            logger: logger
        )
        let port = try await server.bind()
        var client = RealtimeClientOptions(frameRate: 60, seed: point.seed)
        if point.transport == .udp { client.impairment = point.link }
        var swarm = SwarmConfiguration(
            tcpPort: port,
            localHost: "127.0.0.1",
            count: point.parameters.bots,
            rampPerSecond: 100,
            matches: 1,
            roomSize: point.parameters.bots,
            transport: point.transport,
            seed: point.seed,
            client: client
        )
        swarm.tcpNoDelay = point.parameters.noDelay
        return try await server.whileRunning {
            await SwarmRunner(configuration: swarm).run { progress($0.line) }
        }
    }
}
