import ArgumentParser
import Foundation
import NetcodeServer

/// `netcode admin`: watch and steer a running server through its admin socket.
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Ask a running server over its admin socket: status, matches, players, stats, kick, drain, shutdown.",
        discussion: """
            The server listens on a UNIX socket (default data/netcode.sock) that only its own user and root \
            may use. Each command sends one JSON line and prints the answer; --json prints the answer as the \
            server sent it. Protocol: docs/OPERATIONS.md.
            """,
        subcommands: [Status.self, Matches.self, Players.self, Stats.self, Kick.self, Drain.self, Shutdown.self]
    )

    struct Options: ParsableArguments {
        @Option(name: .customLong("admin-socket"), help: "The server's admin socket (the server's --db path with .sock for .sqlite).")
        var adminSocket: String = "data/netcode.sock"

        @Flag(help: "Print the server's JSON answer instead of text.")
        var json = false

        /// Sends the request, prints the answer; a refused request exits 1 with the server's reason.
        func run(_ request: AdminRequest, text: (AdminResponse) -> String) async throws {
            let (response, line) = try await AdminClient(path: self.adminSocket).send(request)
            if self.json {
                print(line)
            } else if response.ok {
                print(text(response))
            }
            if !response.ok {
                if !self.json { FileHandle.standardError.write(Data("error: \(response.error ?? "refused")\n".utf8)) }
                throw ExitCode.failure
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Connections, players, rooms, matches, ports, drain state.")
        @OptionGroup var options: Options
        func run() async throws {
            try await self.options.run(AdminRequest(command: .status)) { AdminText.status($0.status) }
        }
    }

    struct Matches: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The running matches and their players.")
        @OptionGroup var options: Options
        func run() async throws {
            try await self.options.run(AdminRequest(command: .matches)) { AdminText.matches($0.matches ?? []) }
        }
    }

    struct Players: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Logged-in players (and seats held for reconnection).")
        @OptionGroup var options: Options
        func run() async throws {
            try await self.options.run(AdminRequest(command: .players)) { AdminText.players($0.players ?? []) }
        }
    }

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A player's live connection figures: RTT, jitter, loss each way, bytes/s, socket buffers.")
        @OptionGroup var options: Options
        @Argument(help: "The player's account name.") var player: String
        func run() async throws {
            try await self.options.run(AdminRequest(command: .stats, player: self.player)) { AdminText.stats($0.stats) }
        }
    }

    struct Kick: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a player: out of the match (told 'kicked') and the lobby.")
        @OptionGroup var options: Options
        @Argument(help: "The player's account name.") var player: String
        func run() async throws {
            try await self.options.run(AdminRequest(command: .kick, player: self.player)) { $0.message ?? "kicked" }
        }
    }

    struct Drain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop logins and new matches, let running matches finish and store results, then exit 0.",
            discussion: "Use it for a rolling update; SIGTERM stops at once (matches in progress are abandoned)."
        )
        @OptionGroup var options: Options
        @Option(help: "The most to wait for running matches (default: the server's --drain-timeout).")
        var timeout: DurationArgument?
        func run() async throws {
            let seconds = self.timeout.map { Double($0.duration.components.seconds) + Double($0.duration.components.attoseconds) / 1e18 }
            try await self.options.run(AdminRequest(command: .drain, timeoutSeconds: seconds)) { $0.message ?? "draining" }
        }
    }

    struct Shutdown: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the server now, as SIGTERM does.")
        @OptionGroup var options: Options
        func run() async throws {
            try await self.options.run(AdminRequest(command: .shutdown)) { $0.message ?? "shutting down" }
        }
    }
}
