import Foundation
import Testing
@testable import NetcodeStore

@Suite("Database file")
struct FileDatabaseTests {
    /// A fresh folder under the system temporary directory, removed by the caller.
    static func makeTemporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("netcode-store-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test("a file database is in WAL mode and its data survives reopening")
    func survivesReopen() async throws {
        let folder = try Self.makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // The parent folders do not exist yet: openFile creates them.
        let path = folder.appendingPathComponent("nested/data/netcode.sqlite").path

        let match: MatchRecord
        do {
            let db = try NetcodeDatabase.openFile(path: path)
            #expect(try await db.journalMode() == "wal")
            let ada = try await Fixtures.account("Ada", in: db)
            match = Fixtures.match(id: 12, winner: ada.id, players: [Fixtures.player(ada, index: 0, score: 7)])
            try await db.recordMatch(match)
        }
        #expect(FileManager.default.fileExists(atPath: path))

        let reopened = try NetcodeDatabase.openFile(path: path)
        #expect(try await reopened.journalMode() == "wal")
        #expect(try await reopened.appliedMigrations() == ["v1"])
        #expect(try await reopened.account(named: "ada")?.name == "Ada")
        #expect(try await reopened.recentMatches(limit: 5) == [match])
        #expect(try await reopened.nextMatchID() == 13)
    }

    @Test("a path under a regular file cannot be opened")
    func cannotOpen() async throws {
        let folder = try Self.makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let blocker = folder.appendingPathComponent("not-a-folder")
        try Data("x".utf8).write(to: blocker)
        let path = blocker.appendingPathComponent("netcode.sqlite").path

        let error = #expect(throws: StoreError.self) { try NetcodeDatabase.openFile(path: path) }
        guard case .cannotOpen(let reportedPath, _) = error else {
            Issue.record("expected cannotOpen, got \(String(describing: error))")
            return
        }
        #expect(reportedPath == path)
    }

    @Test("a file that is not a database cannot be opened")
    func notADatabase() async throws {
        let folder = try Self.makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("netcode.sqlite").path
        try Data(repeating: 0x41, count: 4_096).write(to: URL(fileURLWithPath: path))

        let error = #expect(throws: StoreError.self) { try NetcodeDatabase.openFile(path: path) }
        guard case .cannotOpen(_, let reason) = error else {
            Issue.record("expected cannotOpen, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("not a database"))
    }

    @Test("a reader's missing file is an error, and nothing is created")
    func missingFileForAReader() async throws {
        let folder = try Self.makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("typo.sqlite").path

        let error = #expect(throws: StoreError.self) { try NetcodeDatabase.openFile(path: path, createIfMissing: false) }
        guard case .cannotOpen(_, let reason) = error else {
            Issue.record("expected cannotOpen, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("does not exist"))
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("a corrupt database that still opens is refused at start")
    func corruptDatabaseIsRefused() async throws {
        let folder = try Self.makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("netcode.sqlite").path
        do {
            let db = try NetcodeDatabase.openFile(path: path)
            for index in 0..<400 { _ = try await Fixtures.account("player\(index)", in: db) }
        }
        // Closing the last connection checkpoints the write-ahead log into the file.
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let pageSize = Int(bytes[16]) << 8 | Int(bytes[17])
        let pages = bytes.count / pageSize
        #expect(pages > 4)
        // Scribble over the header of the last page (an account table or index page), which opening and
        // migrating never read.
        let last = (pages - 1) * pageSize
        for offset in last..<(last + 12) { bytes[offset] = 0xFF }
        try bytes.write(to: URL(fileURLWithPath: path))

        let error = #expect(throws: StoreError.self) { try NetcodeDatabase.openFile(path: path) }
        guard case .cannotOpen(_, let reason) = error else {
            Issue.record("expected cannotOpen, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("corrupt"))
    }
}
