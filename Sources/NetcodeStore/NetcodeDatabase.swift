import Foundation
internal import GRDB

/// The netcode database: accounts, match results and comparison runs in one SQLite file.
///
/// Every method is `async` and runs on GRDB's own serial writer (or its pool of readers), so
/// callers on the game tick never block on disk: they hand results over and carry on.
/// Writes that belong together (a match and its players, a comparison run and its points) are
/// one transaction each, so a reader never sees half of one.
///
/// Open the real database with ``openFile(path:busyTimeout:)`` and a throwaway one for tests
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

    /// Opens (creating if needed) the database file at `path` and migrates it to the current schema.
    ///
    /// The parent folder is created when missing. The file is opened in WAL mode, so readers
    /// (`netcode results`, the sqlite3 CLI) never block the server's writes.
    ///
    /// - Parameter busyTimeout: how long a write waits for another process that holds the write
    ///   lock before failing with ``StoreError/databaseFailure(detail:)``.
    /// - Throws: ``StoreError/cannotOpen(path:reason:)`` when the folder cannot be created, the file
    ///   is not a SQLite database, or its schema cannot be migrated.
    public static func openFile(path: String, busyTimeout: Duration = .seconds(5)) throws -> NetcodeDatabase {
        do {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let pool = try DatabasePool(path: path, configuration: makeConfiguration(busyTimeout: busyTimeout))
            return try NetcodeDatabase(pool)
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
            return error.message ?? "SQLite error \(error.resultCode.rawValue)"
        }
        if let error = error as? StoreError {
            return error.description
        }
        return String(describing: error)
    }
}
