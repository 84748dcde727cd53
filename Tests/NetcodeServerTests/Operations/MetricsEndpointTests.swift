import Foundation
import NetcodeClient
import NetcodeProtocol
import Testing
@testable import NetcodeServer

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `/metrics`, `/healthz` and `/readyz` over real HTTP.
@Suite struct MetricsEndpointTests {
    /// GETs `path` on the server's metrics port: status and body.
    static func get(_ port: Int, _ path: String) async throws -> (Int, String) {
        let url = URL(string: "http://127.0.0.1:\(port)\(path)")!
        let (data, response) = try await URLSession.shared.data(from: url)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    /// Prometheus text format: `name{labels} value` per sample line, comments skipped.
    static func samples(_ text: String) -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            samples[String(line[..<space])] = value
        }
        return samples
    }

    @Test func countersMoveAsAMatchIsPlayedAndReadinessFlipsDuringDrain() async throws {
        let server = try await TestServer.start {
            $0.metricsPort = 0
            // The match ends by its tick count: 6 s leave a starved client time to get going before it ends.
            $0.match.durationSeconds = 6
        }
        let port = try #require(server.server.metricsPort)
        #expect(try await Self.get(port, "/healthz") == (200, "ok\n"))
        #expect(try await Self.get(port, "/readyz") == (200, "ready\n"))
        #expect(try await Self.get(port, "/nothing-here").0 == 404)

        let (status, before) = try await Self.get(port, "/metrics")
        #expect(status == 200)
        let start = Self.samples(before)
        #expect(start["netcode_matches_started_total"] == 0)
        #expect(start[#"netcode_realtime_datagrams_total{direction="in"}"#] == 0)

        let match = try await server.twoPlayerMatch(transport: .udp, roomName: "metrics")
        let (a, b) = try await match.play()
        // Snapshots flowed (an event): the counters below have something to count.
        #expect(try await a.firstSnapshot())
        _ = try await match.alice.waitFor("matchEnded") { if case .matchEnded = $0 { true } else { nil } }
        _ = try await match.bob.waitFor("matchEnded") { if case .matchEnded = $0 { true } else { nil } }
        _ = try await a.finished()
        _ = try await b.finished()

        let after = Self.samples(try await Self.get(port, "/metrics").1)
        #expect(after["netcode_matches_started_total"] == 1)
        #expect(after[#"netcode_result_writes_total{outcome="stored"}"#] == 1)
        #expect(after[#"netcode_logins_total{outcome="ok"}"#] == 2)
        #expect((after[#"netcode_realtime_datagrams_total{direction="in"}"#] ?? 0) > 0, "inputs counted")
        #expect((after[#"netcode_realtime_datagrams_total{direction="out"}"#] ?? 0) > 0, "snapshots counted")
        #expect((after[#"netcode_realtime_bytes_total{direction="out"}"#] ?? 0) > (after[#"netcode_realtime_datagrams_total{direction="out"}"#] ?? 0))
        #expect(after["netcode_lobby_connections"] == 2)
        #expect((after["netcode_result_write_seconds_count"] ?? 0) == 1)

        // Tick costs are published by the once-a-second status loop: wait for its next round.
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(30)
        var ticks = after["netcode_tick_seconds_count"] ?? 0
        while ticks == 0, clock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
            ticks = Self.samples(try await Self.get(port, "/metrics").1)["netcode_tick_seconds_count"] ?? 0
        }
        #expect(ticks > 0, "tick costs recorded")

        // A drain while a match runs: not ready (draining), the match goes on, then the server stops.
        for player in [match.alice, match.bob] {
            try await player.send(.leaveRoom)
            _ = try await player.waitFor("leftRoom") { if case .leftRoom = $0 { true } else { nil } }
        }
        let second = try await TwoPlayerMatch.start(alice: match.alice, bob: match.bob, transport: .udp, roomName: "drained")
        let (c, d) = try await second.play()
        #expect(try await c.firstSnapshot())
        server.server.drain()
        let (drainingStatus, drainingBody) = try await Self.get(port, "/readyz")
        #expect(drainingStatus == 503)
        #expect(drainingBody == "draining\n")
        #expect(Self.samples(try await Self.get(port, "/metrics").1)["netcode_draining"] == 1)
        _ = try await second.alice.waitFor("matchEnded") { if case .matchEnded = $0 { true } else { nil } }
        try await server.task.value
        _ = try await c.finished()
        _ = try await d.finished()
        #expect(try await server.database.recentMatches(limit: 10).count == 2, "the drained match was stored")
    }
}
