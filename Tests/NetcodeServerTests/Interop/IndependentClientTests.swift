import Foundation
import NetcodeProtocol
import Testing
@testable import NetcodeServer

/// A client written in Python from docs/PROTOCOL.md alone (Tests/Interop/independent_client.py) plays a
/// match against the server: the document is enough to implement the protocol.
@Suite struct IndependentClientTests {
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Interop/independent_client.py").path

    static let python: String? = ["/usr/bin/python3", "/usr/local/bin/python3", "/bin/python3"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Runs the script; returns its exit status and standard output.
    static func run(_ arguments: [String]) async throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.python!)
        process.arguments = [Self.script] + arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        return try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { process in
                let out = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                let err = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                continuation.resume(returning: (process.terminationStatus, out, err))
            }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
    }

    @Test(.enabled(if: Self.python != nil, "python3 is not installed"))
    func theDocumentsWorkedExamplesHold() async throws {
        let (status, _, errors) = try await Self.run(["--self-check"])
        #expect(status == 0, "\(errors)")
    }

    @Test(.enabled(if: Self.python != nil, "python3 is not installed"), arguments: [UpdateTransport.udp, .tcp])
    func aClientWrittenFromTheDocumentPlaysAMatch(transport: UpdateTransport) async throws {
        let server = try await TestServer.start { $0.match = MatchSettings(durationSeconds: 2, seed: 4) }
        let (status, output, errors) = try await Self.run(["--port", "\(server.port)", "--transport", "\(transport)", "--strict", "--timeout", "30"])
        #expect(status == 0, "\(errors)")
        let data = try #require(output.split(separator: "\n").last.map { Data($0.utf8) })
        let result = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(result["tag_failures"] as? Int == 0)
        #expect(result["decode_errors"] as? Int == 0)
        let deltas = try #require(result["snapshots_decoded_delta"] as? [Int])
        #expect(deltas.count == 2 && deltas.allSatisfy { $0 > 30 }, "delta snapshots decoded: \(deltas)")
        let standings = try #require(result["standings"] as? [[String: Any]])
        #expect(standings.count == 2)
        let matchID = try #require(result["match_id"] as? Int)
        let stored = try #require(try await server.database.match(id: Int64(matchID)))
        #expect(stored.transport.name == "\(transport)")
        #expect(stored.players.allSatisfy { $0.inputsReceived > 30 }, "the server applied the script's inputs")
        try await server.stop()
    }
}
