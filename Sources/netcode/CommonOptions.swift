import ArgumentParser
import Logging

/// Options every subcommand that logs shares.
struct LoggingOptions: ParsableArguments {
    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    @Option(help: "Log lines as text (for people) or json (one object per line, for log collectors).")
    var logFormat: LogFormat = .text

    enum LogFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

    func makeLogger(label: String) -> Logger {
        let format = self.logFormat
        LoggingSystem.bootstrap { label in
            switch format {
            case .text:
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = .trace
                return handler
            case .json:
                var handler = JSONLogHandler(label: label)
                handler.logLevel = .trace
                return handler
            }
        }
        var logger = Logger(label: label)
        logger.logLevel = self.logLevel
        return logger
    }
}

/// Where the SQLite database lives.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("db"), help: "SQLite database file; created with its folder when missing.")
    var databasePath: String = "data/netcode.sqlite"
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// Parses "30s", "500ms", "2m" or a bare number of seconds, from 0 up to ``maximumSeconds``.
///
/// Anything else (a negative or non-finite number, or one too large to count in nanoseconds) is refused
/// as an invalid value, so the option's error names it instead of the program trapping on the conversion.
struct DurationArgument: ExpressibleByArgument, Sendable {
    /// 30 days: longer than any timeout or run this program takes, and far inside `Int64` nanoseconds.
    static let maximumSeconds: Double = 30 * 24 * 3600

    var duration: Duration

    init(_ duration: Duration) { self.duration = duration }

    init?(argument: String) {
        let text = argument.lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("us", 0.000_001), ("s", 1), ("m", 60)]
        var seconds: Double?
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            seconds = Double(text.dropLast(suffix.count)).map { $0 * scale }
            break
        }
        if seconds == nil { seconds = Double(text) }
        guard let seconds, seconds.isFinite, seconds >= 0, seconds <= Self.maximumSeconds else { return nil }
        self.duration = .nanoseconds(Int64((seconds * 1e9).rounded()))
    }

    var defaultValueDescription: String { "\(self.duration)" }
}

/// A switch typed as `on` or `off`, for options whose default is on and whose off is an experiment.
enum OnOff: String, ExpressibleByArgument, Sendable, CaseIterable {
    case on, off

    var isOn: Bool { self == .on }
}
