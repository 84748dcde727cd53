import Foundation

/// A player's account as stored: the name they log in with and the salted password hash.
///
/// The store keeps the hash parameters beside the hash so the server can raise the iteration
/// count later and still check old passwords; it never sees a password itself.
public struct Account: Sendable, Hashable {
    public var id: Int64
    /// Unique without regard to case: "Ada" and "ada" cannot both exist.
    public var name: String
    public var passwordHash: Data
    public var salt: Data
    /// The key derivation used, for example "pbkdf2-sha256".
    public var hashAlgorithm: String
    public var hashIterations: Int
    public var createdAt: Date
    /// `nil` until ``NetcodeDatabase/recordLogin(accountID:at:)`` is first called.
    public var lastLoginAt: Date?

    public init(
        id: Int64,
        name: String,
        passwordHash: Data,
        salt: Data,
        hashAlgorithm: String,
        hashIterations: Int,
        createdAt: Date,
        lastLoginAt: Date?
    ) {
        self.id = id
        self.name = name
        self.passwordHash = passwordHash
        self.salt = salt
        self.hashAlgorithm = hashAlgorithm
        self.hashIterations = hashIterations
        self.createdAt = createdAt
        self.lastLoginAt = lastLoginAt
    }
}
