import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// One JSON object per log line on standard error, for log collectors (`--log-format json`): time
/// (RFC 3339, UTC, milliseconds), level, label, message, source location and the metadata as strings.
struct JSONLogHandler: LogHandler {
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    let label: String

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields: [String: String] = [:]
        for (key, value) in self.metadata { fields[key] = "\(value)" }
        if let provided = self.metadataProvider?.get() { for (key, value) in provided { fields[key] = "\(value)" } }
        if let extra = event.metadata { for (key, value) in extra { fields[key] = "\(value)" } }
        var line: [String: String] = fields
        line["time"] = Self.timestamp()
        line["level"] = "\(event.level)"
        line["label"] = self.label
        line["message"] = "\(event.message)"
        line["source"] = "\(event.file.split(separator: "/").last ?? ""):\(event.line)"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard var data = try? encoder.encode(line) else { return }
        data.append(0x0A)
        Self.lock.withLock { FileHandle.standardError.write(data) }
    }

    private static let lock = NSLock()

    private static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date())
    }
}
