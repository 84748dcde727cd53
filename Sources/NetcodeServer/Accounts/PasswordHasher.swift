import Crypto
import _CryptoExtras

/// Salted PBKDF2-HMAC-SHA256. Only the hash, the salt and the cost are stored; never the password.
public struct PasswordHasher: Sendable {
    public static let algorithm = "pbkdf2-sha256"
    public static let saltSize = 16
    public static let hashSize = 32

    /// PBKDF2 rounds for new hashes. Stored with each hash, so raising it later keeps old accounts working.
    public let iterations: Int

    public init(iterations: Int) {
        precondition(iterations >= 1, "PBKDF2 needs at least one round")
        self.iterations = iterations
    }

    public struct Hash: Sendable, Hashable {
        public var hash: [UInt8]
        public var salt: [UInt8]
        public var iterations: Int
    }

    /// Hashes `password` under a fresh random salt.
    public func hash(_ password: String) throws -> Hash {
        let salt = SymmetricKey(size: .init(bitCount: Self.saltSize * 8)).withUnsafeBytes { Array($0) }
        return Hash(hash: try Self.derive(password, salt: salt, iterations: self.iterations), salt: salt, iterations: self.iterations)
    }

    /// Whether `password` matches a stored hash, compared in constant time.
    public static func verify(_ password: String, against stored: Hash) throws -> Bool {
        let candidate = try Self.derive(password, salt: stored.salt, iterations: stored.iterations)
        guard candidate.count == stored.hash.count else { return false }
        var difference: UInt8 = 0
        for index in candidate.indices { difference |= candidate[index] ^ stored.hash[index] }
        return difference == 0
    }

    static func derive(_ password: String, salt: [UInt8], iterations: Int) throws -> [UInt8] {
        let key = try KDF.Insecure.PBKDF2.deriveKey(
            from: Array(password.utf8),
            salt: salt,
            using: .sha256,
            outputByteCount: Self.hashSize,
            unsafeUncheckedRounds: iterations
        )
        return key.withUnsafeBytes { Array($0) }
    }
}
