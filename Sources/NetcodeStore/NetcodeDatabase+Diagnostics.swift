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

extension NetcodeDatabase {
    /// Makes every later write of a login time fail as a full disk would; for testing what a login does
    /// when the database cannot be written.
    func failLoginTimeWrites() async throws {
        try await write { db in
            try db.execute(sql: """
                CREATE TEMP TRIGGER fail_login_time BEFORE UPDATE OF last_login_at ON accounts
                BEGIN SELECT RAISE(FAIL, 'database or disk is full (test)'); END
                """)
        }
    }
}
