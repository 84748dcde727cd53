import ArgumentParser
import Foundation
import Testing
@testable import netcode

/// `netcode compare` checks where its report goes before it runs a sweep of several minutes: an empty
/// or unwritable path used to fail only at the end, with Foundation's "The file doesn't exist".
@Suite struct CompareOutputCheckTests {
    func temporaryFolder() -> String {
        NSTemporaryDirectory() + "compare-output-\(UInt32.random(in: 0...UInt32.max))"
    }

    @Test func emptyPathsAreRefusedNamingTheOption() {
        func message(_ body: () throws -> Void) -> String {
            do { try body() } catch { return "\(error)" }
            return "no error"
        }
        #expect(message { try CompareCommand.checkOutputs(output: "", json: nil, csv: nil) }.contains("--output"))
        #expect(message { try CompareCommand.checkOutputs(output: self.temporaryFolder(), json: "", csv: nil) }.contains("--json"))
        #expect(message { try CompareCommand.checkOutputs(output: self.temporaryFolder(), json: nil, csv: "") }.contains("--csv"))
    }

    @Test func aFileInAMissingFolderIsRefused() {
        let missing = self.temporaryFolder() + "/not/there/compare.json"
        #expect(throws: ValidationError.self) {
            try CompareCommand.checkOutputs(output: self.temporaryFolder(), json: missing, csv: nil)
        }
    }

    @Test func theReportFolderIsCreated() throws {
        let folder = self.temporaryFolder() + "/nested/report"
        defer { try? FileManager.default.removeItem(atPath: (folder as NSString).deletingLastPathComponent) }
        try CompareCommand.checkOutputs(output: folder, json: folder + "/x.json", csv: "relative.csv")
        var isFolder: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) && isFolder.boolValue)
    }
}
