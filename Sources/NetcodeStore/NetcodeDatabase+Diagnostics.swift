internal import GRDB

extension NetcodeDatabase {
    /// The identifiers of the migrations applied to this database, in order.
    func appliedMigrations() async throws -> [String] {
        let migrator = Self.migrator
        return try await read { db in try migrator.appliedMigrations(db) }
    }

    /// SQLite's journal mode for this connection: "wal" for a file opened by `openFile`.
    func journalMode() async throws -> String {
        try await read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode")! }
    }

    /// How many rows `table` holds; for checking that a failed write left nothing behind.
    func rowCount(_ table: String) async throws -> Int {
        try await read { db in try db.tableExists(table) ? Table(table).fetchCount(db) : 0 }
    }

    /// The names of the tables the migrations created (SQLite's and GRDB's own left out).
    func tableNames() async throws -> [String] {
        try await read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT name FROM sqlite_master
                    WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%'
                    ORDER BY name
                    """
            )
        }
    }
}
