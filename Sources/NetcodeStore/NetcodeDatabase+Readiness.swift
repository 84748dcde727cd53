internal import GRDB

extension NetcodeDatabase {
    /// Whether every migration this build knows is applied and the database answers a read: what the
    /// server's `/readyz` probe asks of the database.
    public func isMigrated() async -> Bool {
        let migrator = Self.migrator
        return (try? await read { db in try migrator.hasCompletedMigrations(db) }) ?? false
    }
}
