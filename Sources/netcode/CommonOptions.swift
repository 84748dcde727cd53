import ArgumentParser
import Logging

/// Options every subcommand that logs shares.
struct LoggingOptions: ParsableArguments {
    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    func makeLogger(label: String) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .trace
            return handler
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

/// Parses "30s", "500ms", "2m" or a bare number of seconds.
struct DurationArgument: ExpressibleByArgument, Sendable {
    var duration: Duration

    init(_ duration: Duration) { self.duration = duration }

    init?(argument: String) {
        let text = argument.lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("us", 0.000_001), ("s", 1), ("m", 60)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            guard let value = Double(text.dropLast(suffix.count)), value >= 0 else { return nil }
            self.duration = .nanoseconds(Int64(value * scale * 1e9))
            return
        }
        guard let seconds = Double(text), seconds >= 0 else { return nil }
        self.duration = .nanoseconds(Int64(seconds * 1e9))
    }

    var defaultValueDescription: String { "\(self.duration)" }
}
