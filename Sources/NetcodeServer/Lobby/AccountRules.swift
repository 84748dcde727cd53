/// What makes an acceptable account name and password. Checked before any hashing work is spent.
public enum AccountRules {
    public static let nameLength = 3...24
    public static let passwordLength = 8...128

    /// A reason the name is refused, or nil if it is acceptable: 3 to 24 ASCII letters, digits, `_` or `-`.
    public static func problem(withName name: String) -> String? {
        guard Self.nameLength.contains(name.utf8.count) else {
            return "a name has \(Self.nameLength.lowerBound) to \(Self.nameLength.upperBound) characters"
        }
        let allowed = name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F || byte == 0x2D
        }
        return allowed ? nil : "a name may use only letters A-Z, digits, '_' and '-'"
    }

    /// A reason the password is refused, or nil if it is acceptable.
    public static func problem(withPassword password: String) -> String? {
        guard Self.passwordLength.contains(password.utf8.count) else {
            return "a password has \(Self.passwordLength.lowerBound) to \(Self.passwordLength.upperBound) bytes"
        }
        return nil
    }
}
