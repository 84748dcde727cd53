/// Why a store operation failed, in words an operator or a player can act on.
///
/// Expected refusals (a taken name, an unknown account) have their own cases so the server can
/// answer them over the wire; the rest carry SQLite's own message for the logs.
public enum StoreError: Error, Equatable, Sendable {
    /// An account with this name exists already; names are compared without regard to case.
    case nameTaken(name: String)
    /// No account has this id.
    case accountNotFound(id: Int64)
    /// A match with this id was recorded already; ids come from `nextMatchID()`.
    case matchIDTaken(id: Int64)
    /// A match names players or a winner whose accounts do not exist. Nothing was written.
    case unknownAccounts(matchID: Int64, accountIDs: [Int64])
    /// A record broke a rule of the schema (a range check, a duplicate player index, ...).
    /// Nothing was written. `detail` is SQLite's message, which names the column or constraint.
    case invalidRecord(detail: String)
    /// The database file could not be opened, created or migrated.
    case cannotOpen(path: String, reason: String)
    /// Any other SQLite failure (disk full, I/O error, database locked for too long, ...).
    case databaseFailure(detail: String)
}

extension StoreError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .nameTaken(let name):
            return "The name \"\(name)\" is taken (names ignore case); choose another one."
        case .accountNotFound(let id):
            return "No account has id \(id)."
        case .matchIDTaken(let id):
            return "Match \(id) is already recorded; take new ids from nextMatchID()."
        case .unknownAccounts(let matchID, let accountIDs):
            let ids = accountIDs.map(String.init).joined(separator: ", ")
            return "Match \(matchID) names account ids that do not exist (\(ids)); nothing was recorded."
        case .invalidRecord(let detail):
            return "The record breaks a rule of the database schema (\(detail)); nothing was written."
        case .cannotOpen(let path, let reason):
            return "Cannot open the database at \(path): \(reason). "
                + "Check that the folder is writable and the file is a netcode database."
        case .databaseFailure(let detail):
            return "The database failed: \(detail)."
        }
    }
}
