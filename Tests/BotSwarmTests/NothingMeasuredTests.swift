import Foundation
import Logging
import NetcodeClient
import NetcodeProtocol
import NetcodeServer
import NetcodeStore
import Testing
@testable import BotSwarm

/// A swarm whose datagrams cannot leave (an IPv4 socket sending to an IPv6 server, as
/// `netcode bots --host ::1` without `--local-host ::` does) plays its matches over the lobby but
/// measures nothing: the report says so and fails, and no bandwidth is reported for bytes never sent.
@Suite struct NothingMeasuredTests {
    /// Both send paths: a socket per bot (SwiftNIO's writes, errors from promises) and one socket per
    /// loop (batches, errors from `sendmmsg`).
    @Test(arguments: [false, true])
    func aSwarmWhoseDatagramsFailFailsAndCountsTheErrors(sharedSocket: Bool) async throws {
        var logger = Logger(label: "test.nothing-measured")
        logger.logLevel = .critical
        let database = try NetcodeDatabase.inMemory()
        let server = try GameServer(
            configuration: ServerConfiguration(host: "::", tcpPort: 0, udpPort: 0, passwordIterations: 1_000, defaultTransport: .udp,
                                               match: MatchSettings(durationSeconds: 1.5, seed: 5)),
            database: database,
            logger: logger
        )
        let port = try await server.bind()
        let task = Task { try await server.run() }
        let configuration = SwarmConfiguration(
            host: "::1", tcpPort: port, localHost: "0.0.0.0", count: 2, rampPerSecond: 100, matches: 1, roomSize: 2, seed: 3,
            client: RealtimeClientOptions(sharedSocket: sharedSocket)
        )
        let report = await SwarmRunner(configuration: configuration).run { _ in }
        server.shutdown()
        try await task.value

        #expect(report.playerMatches == 2, "the matches were played over the lobby")
        #expect(report.snapshotsReceived == 0)
        #expect((report.errors["realtime send failed"] ?? 0) > 0, "send errors are counted: \(report.errors)")
        #expect(report.perBot.sentBytesPerSecond == 0, "no bandwidth for datagrams that never left")
        #expect(report.checks.contains { $0.name == "snapshots received >" && !$0.passed })
        #expect(!report.passed)
        let json = try JSONSerialization.jsonObject(with: report.json()) as? [String: Any]
        #expect(json?["passed"] as? Bool == false)
    }
}
