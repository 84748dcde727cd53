import Foundation

/// Reading and writing scenario files (JSON).
extension LinkProfile {
    /// Decodes and validates a scenario.
    public static func load(fromJSON data: Data) throws(LinkProfileError) -> LinkProfile {
        do {
            return try JSONDecoder().decode(LinkProfile.self, from: data)
        } catch let error as LinkProfileError {
            throw error
        } catch let error as DecodingError {
            throw LinkProfileError(.invalidFile, Self.explain(error))
        } catch {
            throw LinkProfileError(.invalidFile, "not a scenario: \(error)")
        }
    }

    /// Reads a scenario file; errors name the file.
    public static func load(contentsOfFile path: String) throws(LinkProfileError) -> LinkProfile {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw LinkProfileError(.invalidFile, "cannot read \(path): \(error.localizedDescription)")
        }
        do {
            return try self.load(fromJSON: data)
        } catch {
            throw LinkProfileError(error.code, field: error.field, "\(path): \(error.message)")
        }
    }

    /// A preset name (`wifi`) or the path of a scenario file (`Simulations/networks/wifi.json`), for a
    /// command-line option that accepts either.
    public static func resolve(_ nameOrPath: String) throws(LinkProfileError) -> LinkProfile {
        if let preset = self.named(nameOrPath) { return preset }
        if nameOrPath.hasSuffix(".json") || nameOrPath.contains("/") {
            return try self.load(contentsOfFile: nameOrPath)
        }
        throw LinkProfileError(
            .unknownProfile,
            "no network named \"\(nameOrPath)\"; use one of \(self.allNames.joined(separator: ", ")) or a path to a .json scenario file"
        )
    }

    /// The scenario as pretty-printed JSON with sorted keys, as the files in `Simulations/networks` are.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    private static func explain(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            let joined = keys.map(\.stringValue).joined(separator: ".")
            return joined.isEmpty ? "" : "\(joined): "
        }
        switch error {
        case .dataCorrupted(let context):
            let cause = (context.underlyingError as? NSError)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return "\(path(context.codingPath))\(context.debugDescription)\(cause.map { " (\($0))" } ?? "")"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath))expected \(type == String.self ? "a string" : "\(type)")"
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath))missing \"\(key.stringValue)\""
        case .valueNotFound(_, let context):
            return "\(path(context.codingPath))missing value"
        @unknown default:
            return "\(error)"
        }
    }
}
