import Foundation
import Testing
@testable import NetcodeStore

@Suite("Migrations")
struct MigrationTests {
    @Test("a new database has every table and the v1 migration recorded")
    func migrationsRun() async throws {
        let db = try NetcodeDatabase.inMemory()
        #expect(try await db.appliedMigrations() == ["v1"])
        #expect(try await db.tableNames() == [
            "accounts", "comparison_points", "comparison_runs", "match_players", "matches",
        ])
    }

    @Test("an in-memory database starts empty")
    func startsEmpty() async throws {
        let db = try NetcodeDatabase.inMemory()
        for table in ["accounts", "matches", "match_players", "comparison_runs", "comparison_points"] {
            #expect(try await db.rowCount(table) == 0, "table \(table)")
        }
    }

    @Test("stored times keep whole milliseconds exactly")
    func millisecondsRoundTrip() {
        // Steps through values whose decimal fractions are not exact in binary.
        for ms in stride(from: Fixtures.epoch, to: Fixtures.epoch + 5_000, by: 7) {
            #expect(Date(millisecondsSince1970: ms).millisecondsSince1970 == ms)
        }
        #expect(Date(millisecondsSince1970: -1_500).millisecondsSince1970 == -1_500)
    }
}
