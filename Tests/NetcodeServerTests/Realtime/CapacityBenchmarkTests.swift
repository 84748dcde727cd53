import Foundation
import Testing

/// `netcode bench capacity` in a short form: it really starts a server and a swarm as processes, finds a
/// steady window, measures the echo floor, and writes every figure it promises.
///
/// It loads the machine as a capacity run should, which starves the latency-sensitive tests running
/// beside it, so it runs on its own: `NETCODE_CAPACITY_TEST=1 swift test --filter CapacityBenchmarkTests`
/// (`.ci/run` does, after the suite).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["NETCODE_CAPACITY_TEST"] != nil, "runs alone: NETCODE_CAPACITY_TEST=1 swift test --filter CapacityBenchmarkTests"))
struct CapacityBenchmarkTests {
    @Test("a short capacity step measures the server from the kernel's side and writes its JSON")
    func shortCapacityStep() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("capacity-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let json = folder.appendingPathComponent("capacity.json")
        // Ports away from the defaults and from other tests; one room of 10 bots, a 6-second match: light
        // enough not to starve the tests that run beside it.
        let port = 29_000 + Int.random(in: 0..<900) * 4
        let process = try NetcodeBinary.start([
            "bench", "capacity", "--bots", "10", "--match-duration", "5", "--ramp", "100", "--shards", "2", "--floor-seconds", "1",
            "--tcp-port", "\(port)", "--folder", folder.path, "--json", json.path,
        ], log: folder.appendingPathComponent("run.log"))
        while process.isRunning { try await Task.sleep(for: .milliseconds(200)) }
        let log = (try? String(contentsOf: folder.appendingPathComponent("run.log"), encoding: .utf8)) ?? ""
        #expect(process.terminationStatus == 0, "\(log.suffix(2000))")
        #expect(log.contains("(steady)"), "a live line each second marks the steady window")

        let run = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        #expect(run["shards"] as? Int == 2)
        let step = try #require((run["steps"] as? [[String: Any]])?.first)
        #expect(step["bots"] as? Int == 10)
        #expect((step["window_s"] as? Double ?? 0) >= 1, "a steady window was found")
        #expect((step["server_cores"] as? Double ?? 0) > 0, "server CPU read from /proc")
        #expect((step["swarm_cores"] as? Double ?? 0) > 0, "swarm CPU read from /proc")
        // 10 players at 30 Hz: about 300 inputs and 300 snapshots a second through the kernel (the count
        // is the whole machine's, and other tests may be sending too, so only the floor is certain).
        let rate = step["datagrams_per_s"] as? Double ?? 0
        #expect(rate > 150, "datagrams per second from /proc/net/snmp: \(rate)")
        #expect((step["echo_floor_us_per_datagram"] as? Double ?? 0) > 0, "the echo floor was measured in the same run")
        #expect(step["server_us_per_datagram"] as? Double ?? 0 > 0)
        #expect(step["snapshot_latency_p99_ms"] is Double, "latency came from the swarm's report")
        let toSocket = try #require(step["arrival_latency_p99_ms"] as? Double, "the swarm's sockets stamped arrivals")
        #expect(toSocket <= (step["snapshot_latency_max_ms"] as? Double ?? 0) * 1.02 + 0.01, "the trip to the socket is part of the latency")
        #expect(step["server_rss_bytes_per_player"] != nil)
        #expect(step["generator_limited"] is Bool)
    }
}
