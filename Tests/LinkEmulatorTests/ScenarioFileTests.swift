import Foundation
import LinkEmulator
import Testing

@Suite("Scenario files")
struct ScenarioFileTests {
    /// `Simulations/networks` at the package root, found from this file's location.
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Simulations/networks")

    @Test("each preset has a file that loads and equals it", arguments: LinkProfile.allNames)
    func presetFile(name: String) throws {
        let path = Self.directory.appendingPathComponent("\(name).json").path
        let loaded = try LinkProfile.load(contentsOfFile: path)
        #expect(loaded == LinkProfile.named(name))
        #expect(try LinkProfile.resolve(path) == loaded)
    }

    @Test("every file in the folder is a valid scenario")
    func allFilesLoad() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).filter { $0.hasSuffix(".json") }
        #expect(files.count >= LinkProfile.allNames.count)
        for file in files {
            #expect(throws: Never.self) { try LinkProfile.load(contentsOfFile: Self.directory.appendingPathComponent(file).path) }
        }
    }

    @Test("presets survive encoding and decoding", arguments: LinkProfile.presets)
    func roundTrip(preset: LinkProfile) throws {
        #expect(try LinkProfile.load(fromJSON: preset.jsonData()) == preset)
    }

    @Test("preset names resolve case-insensitively; unknown names list the presets")
    func resolve() throws {
        #expect(try LinkProfile.resolve("WiFi") == .wifi)
        let error = ParsingTests.failure { _ = try LinkProfile.resolve("dialup") }
        #expect(error?.code == .unknownProfile)
        #expect(error?.message.contains("none, lan, wifi, mobile, congested, soak, lossy") == true)
    }

    @Test("file errors point at the problem", arguments: [
        (#"{"name": "x", "both": {"jiter": "5ms"}}"#, "both.jiter: unknown key"),
        (#"{"name": "x", "upstream": {}, "downstream": {"loss": 2}}"#, "downstream.loss: must be between 0 and 1"),
        (#"{"name": "x", "both": {"latency": 40}}"#, "both.latency: expected a value such as \"40ms\""),
        (#"{"name": "x", "both": {"latency": "40"}}"#, "both.latency: \"40\" has no unit"),
        (#"{"name": "x", "upstream": {}}"#, "give either \"both\", or \"upstream\" and \"downstream\""),
        (#"{"both": {}}"#, "name: a scenario needs"),
        (#"{"name": "x", "both": {"burst": {"pGoodToBad": "1%"}}}"#, "both.burst: a burst model needs"),
        (#"{"name": "x", "both": {"burst": {"pGoodToBad": "1%", "pBadToGood": 3}}}"#, "both.burst.pBadToGood: must be between 0 and 1"),
        (#"{"name": "x", "both": {"rate": "1mbps"}}"#, "both.rate: \"1mbps\" is ambiguous"),
        (#"{"name": "x", "both": {} "#, "not valid JSON"),
    ])
    func errors(json: String, expected: String) {
        let error = ParsingTests.failure { _ = try LinkProfile.load(fromJSON: Data(json.utf8)) }
        let text = error.map { "\($0)" } ?? "no error"
        #expect(text.contains(expected), "got: \(text)")
    }

    @Test("a missing file is reported with its path")
    func missingFile() {
        let error = ParsingTests.failure { _ = try LinkProfile.load(contentsOfFile: "/nonexistent/net.json") }
        #expect(error?.code == .invalidFile)
        #expect(error?.message.contains("/nonexistent/net.json") == true)
    }
}
