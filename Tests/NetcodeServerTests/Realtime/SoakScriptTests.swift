import Foundation
import Testing

/// The soak command (scripts/soak.sh) in its short form: 20 bots for 15 s through the `soak` network
/// against the real server process; the script's own checks (no crash, every finished match stored)
/// must pass. The 10-minute run and its figures are in docs/HARDENING.md.
@Suite struct SoakScriptTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    @Test func aShortSoakPasses() async throws {
        let netcode = try #require(NetcodeBinary.url, "the netcode executable was built beside the tests")
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3") else { try Test.cancel("sqlite3 is not installed") }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("netcode-soak-test-\(UUID())")
        defer { try? FileManager.default.removeItem(at: out) }
        let process = Process()
        process.executableURL = Self.root.appendingPathComponent("scripts/soak.sh")
        process.arguments = ["--bots", "20", "--seconds", "15", "--match-seconds", "5", "--netcode", netcode.path, "--out", out.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text: String = await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)) }.start()
        }
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text.suffix(3000))")
        #expect(text.contains("soak: PASSED"))
        #expect(text.contains("server alive at the end, exit 0 on SIGTERM"))
        let liveLines = text.split(separator: "\n").filter { $0.hasPrefix("soak ") && $0.contains("server rss") }
        #expect(liveLines.count >= 10, "a live line each second")
        // "matches the bots saw end: N (P player-matches); rows in the database: R"
        let summary = try #require(text.split(separator: "\n").first { $0.contains("rows in the database") })
        let numbers = summary.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        // "the server stored A results, left U matches every player had left unrecorded, gave up G"
        let accounts = try #require(text.split(separator: "\n").first { $0.contains("the server stored") })
        let counts = accounts.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        try #require(numbers.count >= 3 && counts.count == 3, "\(summary) / \(accounts)")
        let (seen, rows) = (numbers[0], numbers[numbers.count - 1])
        let (stored, unrecorded, givenUp) = (counts[0], counts[1], counts[2])
        #expect(seen > 0 && stored > 0, "matches were played and stored: \(summary) / \(accounts)")
        #expect(rows == stored, "every result the server stored is in the database: \(summary) / \(accounts)")
        #expect(givenUp == 0)
        // A match every player left (timed out of, on a starved machine) ends without a row, by design.
        #expect(seen <= stored + unrecorded, "every match the bots saw end is accounted for: \(summary) / \(accounts)")
    }
}
