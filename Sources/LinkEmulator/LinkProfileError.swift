/// A profile value that could not be read or does not make sense, with a message a user can act on.
public struct LinkProfileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is, for callers that react differently to each.
    public enum Code: Sendable, Hashable {
        /// A fraction or percentage could not be read.
        case invalidPercent
        /// A duration could not be read.
        case invalidDuration
        /// A bit rate could not be read.
        case invalidRate
        /// A byte count could not be read.
        case invalidByteCount
        /// A value was read but lies outside what it may be.
        case outOfRange
        /// A parameter name is not one this module knows.
        case unknownParameter
        /// No preset has this name.
        case unknownProfile
        /// A scenario file could not be read or is not valid JSON of the expected shape.
        case invalidFile
    }

    public let code: Code
    /// The parameter concerned, as a dotted path such as `upstream.jitter`, when known.
    public let field: String?
    /// What is wrong and how to fix it.
    public let message: String

    public init(_ code: Code, field: String? = nil, _ message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    public var description: String {
        if let field { return "\(field): \(self.message)" }
        return self.message
    }

    /// The same error located under `prefix` (e.g. `upstream`), for errors found inside a nested value.
    func inside(_ prefix: String) -> LinkProfileError {
        if prefix.isEmpty { return self }
        let path = self.field.map { "\(prefix).\($0)" } ?? prefix
        return LinkProfileError(self.code, field: path, self.message)
    }

    /// The same error with `field` set when it had none.
    func at(_ field: String) -> LinkProfileError {
        if self.field != nil { return self }
        return LinkProfileError(self.code, field: field, self.message)
    }
}
