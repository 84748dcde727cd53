internal import GRDB

extension NetcodeDatabase {
    /// Runs `updates` in one write transaction, turning SQLite errors into ``StoreError``.
    func write<T: Sendable>(_ updates: @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await writer.write(updates)
        } catch {
            throw StoreError.wrapping(error)
        }
    }

    /// Runs `value` on a read-only connection, turning SQLite errors into ``StoreError``.
    func read<T: Sendable>(_ value: @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await writer.read(value)
        } catch {
            throw StoreError.wrapping(error)
        }
    }
}

extension StoreError {
    /// The ``StoreError`` for an error thrown inside a database access.
    ///
    /// Store errors and cancellation pass through unchanged; callers that know what a
    /// constraint means (a unique name, a match id) catch it themselves before this runs.
    static func wrapping(_ error: any Error) -> any Error {
        guard let error = error as? DatabaseError else { return error }
        let detail = error.message ?? "SQLite error \(error.extendedResultCode.rawValue)"
        if error.resultCode == .SQLITE_CONSTRAINT {
            return StoreError.invalidRecord(detail: detail)
        }
        return StoreError.databaseFailure(detail: detail)
    }
}
