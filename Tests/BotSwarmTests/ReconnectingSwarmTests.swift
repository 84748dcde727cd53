import Foundation
import NetcodeClient
import NetcodeProtocol
import Testing
@testable import BotSwarm

/// Bots that drop their connection mid-match and come back (`--reconnect-every`).
@Suite struct ReconnectingSwarmTests {
    @Test func botsDropAndResumeAndTheReportCountsIt() async throws {
        // A drop every 3 s in a 20 s match: each bot comes back at least once, and its resumed session has
        // the rest of the match (which ends by its tick count) to receive a snapshot on a starved machine.
        // (Beside the whole suite a rejoin took 3 to 5 s: in an 8 s match the seat was gone by then.)
        try await SwarmTests().withServer(.udp, matchSeconds: 20) { port in
            let configuration = SwarmConfiguration(
                tcpPort: port, localHost: "127.0.0.1", count: 2, rampPerSecond: 100, matches: 1, roomSize: 2, seed: 21,
                reconnectEvery: .seconds(3)
            )
            let report = await SwarmRunner(configuration: configuration).run { _ in }
            let reconnections = try #require(report.reconnections)
            #expect(reconnections.count >= 2, "each bot dropped and came back at least once")
            #expect(reconnections.failed == 0, "\(report.errors)")
            #expect(reconnections.resumeMs.count == UInt64(reconnections.count), "every resume timed")
            #expect((reconnections.resumeMs.max ?? 0) > 0)
            #expect(report.playerMatches == 2, "both finished the match")
            #expect(report.undecodableSnapshots == 0, "a resumed session starts from a full snapshot")
            let json = try JSONSerialization.jsonObject(with: report.json()) as? [String: Any]
            #expect((json?["reconnections"] as? [String: Any])?["resume_ms"] is [String: Any])
        }
    }
}
