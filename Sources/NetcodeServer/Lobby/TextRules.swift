/// What text from one client may carry before it reaches other clients, logs and terminals.
enum TextRules {
    /// Whether `text` holds a character that can rewrite what a terminal or another client shows: a C0 or
    /// C1 control (newline, tab, ESC, NUL, DEL, ...) or a bidirectional formatting character (the
    /// embeddings, overrides, isolates and marks of Unicode's bidi algorithm).
    static func hasControlCharacters(_ text: String) -> Bool {
        text.unicodeScalars.contains { scalar in
            switch scalar.value {
            case 0x00...0x1F, 0x7F...0x9F: return true
            case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
            default: return false
            }
        }
    }
}
