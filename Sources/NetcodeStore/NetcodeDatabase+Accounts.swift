import Foundation
internal import GRDB

extension NetcodeDatabase {
    /// Creates an account and returns it with its new id.
    ///
    /// `createdAt` is stored to the millisecond.
    /// - Throws: ``StoreError/nameTaken(name:)`` when the name, ignoring case, belongs to another
    ///   account; ``StoreError/invalidRecord(detail:)`` for an empty name or fewer than 1 iteration.
    public func createAccount(
        name: String,
        passwordHash: Data,
        salt: Data,
        algorithm: String,
        iterations: Int,
        at createdAt: Date = Date()
    ) async throws -> Account {
        let createdAtMs = StoredTime.milliseconds(createdAt)
        do {
            return try await writer.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO accounts
                            (name, password_hash, salt, hash_algorithm, hash_iterations, created_at)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [name, passwordHash, salt, algorithm, iterations, createdAtMs]
                )
                return Account(
                    id: db.lastInsertedRowID,
                    name: name,
                    passwordHash: passwordHash,
                    salt: salt,
                    hashAlgorithm: algorithm,
                    hashIterations: iterations,
                    createdAt: StoredTime.date(createdAtMs),
                    lastLoginAt: nil
                )
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw StoreError.nameTaken(name: name)
        } catch {
            throw StoreError.wrapping(error)
        }
    }

    /// The account whose name equals `name` ignoring case, or `nil`.
    public func account(named name: String) async throws -> Account? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM accounts WHERE name = ?", arguments: [name])
                .map(Account.init(row:))
        }
    }

    /// The account with this id, or `nil`.
    public func account(id: Int64) async throws -> Account? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM accounts WHERE id = ?", arguments: [id])
                .map(Account.init(row:))
        }
    }

    /// Stamps the account's last successful login.
    ///
    /// - Throws: ``StoreError/accountNotFound(id:)`` when no account has this id.
    public func recordLogin(accountID: Int64, at time: Date = Date()) async throws {
        let timeMs = StoredTime.milliseconds(time)
        let changed = try await write { db in
            try db.execute(
                sql: "UPDATE accounts SET last_login_at = ? WHERE id = ?",
                arguments: [timeMs, accountID]
            )
            return db.changesCount
        }
        if changed == 0 {
            throw StoreError.accountNotFound(id: accountID)
        }
    }
}

extension Account {
    init(row: Row) {
        self.init(
            id: row["id"],
            name: row["name"],
            passwordHash: row["password_hash"],
            salt: row["salt"],
            hashAlgorithm: row["hash_algorithm"],
            hashIterations: row["hash_iterations"],
            createdAt: StoredTime.date(row["created_at"]),
            lastLoginAt: (row["last_login_at"] as Int64?).map(StoredTime.date)
        )
    }
}
