import Foundation
import Testing
@testable import Comparison

@Suite struct SweepFileTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Simulations/sweeps")

    @Test func everySweepFileLoads() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter { $0.hasSuffix(".json") }
        #expect(files.count >= 3)
        for file in files {
            let parameters = try ComparisonParameters.load(contentsOfFile: Self.folder.appendingPathComponent(file).path)
            #expect(!parameters.losses.isEmpty, "\(file)")
            #expect(parameters.losses.allSatisfy { (0...1).contains($0) }, "\(file): losses are fractions")
        }
    }

    @Test func theDefaultFileIsTheDefaultSweep() throws {
        let parameters = try ComparisonParameters.load(contentsOfFile: Self.folder.appendingPathComponent("default.json").path)
        #expect(parameters == ComparisonParameters())
    }

    @Test func aMissingKeyIsNamed() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-\(UUID()).json").path
        try #"{"losses": [0.01]}"#.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = #expect(throws: SweepFileError.self) { try ComparisonParameters.load(contentsOfFile: path) }
        #expect(error?.description.contains("latency_ms") == true)
    }
}
