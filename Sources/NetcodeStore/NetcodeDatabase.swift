import Foundation
internal import GRDB

/// The netcode database: accounts, match results and comparison runs in one SQLite file.
///
/// Every method is `async` and runs on GRDB's own serial writer (or its pool of readers), so
/// callers on the game tick never block on disk: they hand results over and carry on.
/// Writes that belong together (a match and its players, a comparison run and its points) are
/// one transaction each, so a reader never sees half of one.
///
/// Open the real database with ``openFile(path:busyTimeout:createIfMissing:)`` and a throwaway one for tests
/// with ``inMemory()``. See `docs/DATABASE.md` for the tables and their units.
public final class NetcodeDatabase: Sendable {
    /// The connection all methods go through: a `DatabasePool` on a file, a `DatabaseQueue` in
    /// memory. Held as `any DatabaseWriter` so both run the same code.
    let writer: any DatabaseWriter

    /// Wraps a connection and brings its schema up to date.
    ///
    /// - Important: build `writer` with ``makeConfiguration(busyTimeout:)`` so that foreign keys
    ///   are enforced.
    init(_ writer: any DatabaseWriter) throws {
        self.writer = writer
        try Self.migrator.migrate(writer)
    }

    /// Opens (creating if needed) the database file at `path`, checks it and migrates it to the current
    /// schema.
    ///
    /// The parent folder is created when missing. The file is opened in WAL mode, so readers
    /// (`netcode results`, the sqlite3 CLI) never block the server's writes. Before anything is written,
    /// SQLite's `PRAGMA quick_check` must find the file intact: a corrupt database that still opens is
    /// refused instead of being served from (and written to) until a query trips over the damage.
    ///
    /// - Parameters:
    ///   - busyTimeout: how long a write waits for another process that holds the write lock before
    ///     failing with ``StoreError/databaseFailure(detail:)``.
    ///   - createIfMissing: false for readers (`netcode results`): a missing file is then an error
    ///     (a mistyped path), and nothing is created.
    /// - Throws: ``StoreError/cannotOpen(path:reason:)`` when the file is missing (and may not be
    ///   created), the folder cannot be created, the file is not a SQLite database, fails the integrity
    ///   check, or its schema cannot be migrated.
    public static func openFile(path: String, busyTimeout: Duration = .seconds(5), createIfMissing: Bool = true) throws -> NetcodeDatabase {
        if !createIfMissing, !FileManager.default.fileExists(atPath: path) {
            throw StoreError.cannotOpen(path: path, reason: "the file does not exist (check the path given to --db)")
        }
        do {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let pool = try DatabasePool(path: path, configuration: makeConfiguration(busyTimeout: busyTimeout))
            let problems = try pool.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check(5)") }
            guard problems == ["ok"] else {
                throw StoreError.cannotOpen(path: path, reason: Self.corrupt("PRAGMA quick_check: " + problems.joined(separator: "; ")))
            }
            return try NetcodeDatabase(pool)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.cannotOpen(path: path, reason: Self.reason(error))
        }
    }

    /// A fresh, empty, migrated database that lives in memory and vanishes with this object.
    public static func inMemory() throws -> NetcodeDatabase {
        do {
            let queue = try DatabaseQueue(configuration: makeConfiguration(busyTimeout: .zero))
            return try NetcodeDatabase(queue)
        } catch {
            throw StoreError.cannotOpen(path: ":memory:", reason: Self.reason(error))
        }
    }

    /// The connection settings every `NetcodeDatabase` uses.
    static func makeConfiguration(busyTimeout: Duration) -> Configuration {
        var config = Configuration()
        config.label = "netcode"
        // GRDB's default already, stated because results depend on it: a match player must
        // name an existing account.
        config.foreignKeysEnabled = true
        // Another process (a second server, the CLI) may hold the write lock for a moment;
        // wait for it instead of failing at once. This sets SQLite's busy_timeout.
        let (seconds, attoseconds) = busyTimeout.components
        config.busyMode = .timeout(Double(seconds) + Double(attoseconds) / 1e18)
        return config
    }

    private static func reason(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            let message = error.message ?? "SQLite error \(error.resultCode.rawValue)"
            return error.resultCode == .SQLITE_CORRUPT ? Self.corrupt(message) : message
        }
        if let error = error as? StoreError {
            return error.description
        }
        return String(describing: error)
    }

    private static func corrupt(_ detail: String) -> String {
        "the file is corrupt (\(detail)); restore a backup, or move it aside to start with an empty database"
    }
}
