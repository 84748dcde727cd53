import ArgumentParser

@main
struct Netcode: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "netcode",
        abstract: "A headless multiplayer game server with its netcode laid bare.",
        discussion: """
            TCP carries login and the lobby; UDP carries inputs and world snapshots. The SQLite database \
            (default data/netcode.sqlite) keeps accounts, match results and comparison runs.
            """,
        subcommands: [DemoCommand.self, ServerCommand.self, BotsCommand.self, CompareCommand.self, ResultsCommand.self, BenchCommand.self, LabCommand.self, SocketsCommand.self, DiscoverCommand.self, AdminCommand.self]
    )
}
