import Foundation
import ArgumentParser
import Foundation
import Logging
import NetcodeProtocol
import NetcodeServer
import NetcodeStore
import ServiceLifecycle

struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Run the headless game server: TCP lobby, UDP realtime, SQLite results.",
        discussion: "Stops gracefully on SIGINT or SIGTERM: clients are told, pending results are written, every socket is closed."
    )

    @OptionGroup var logging: LoggingOptions
    @OptionGroup var database: DatabaseOptions

    @Option(help: "Address to listen on (TCP lobby and UDP realtime).")
    var host: String = "127.0.0.1"

    @Option(help: "TCP port of the lobby.")
    var tcpPort: Int = 7777

    @Option(help: "UDP port of the realtime stream.")
    var udpPort: Int = 7778

    @Option(help: "Pending TCP connections the kernel may queue before they are accepted.")
    var backlog: Int32 = 256

    @Option(help: "Lobby connections served at once; more are refused with 'server full'.")
    var maxConnections: Int = 4096

    @Option(help: "Lobby connections one address may hold at once (trusted addresses are exempt).")
    var maxConnectionsPerAddress: Int = 32

    @Option(help: "Rooms one address may be in at once; creating another is refused (trusted addresses are exempt).")
    var maxRoomsPerAddress: Int = 4

    @Option(help: "Failed logins one address may make within --failed-login-window; the next are refused for --login-block.")
    var maxFailedLogins: Int = 5

    @Option(help: "The window failed logins are counted over (e.g. 60s, 5m).")
    var failedLoginWindow: DurationArgument = .init(.seconds(60))

    @Option(help: "How long an address that failed too many logins is refused (e.g. 30s).")
    var loginBlock: DurationArgument = .init(.seconds(30))

    @Option(help: "New accounts one address may create per hour (trusted addresses are exempt).")
    var maxRegistrationsPerHour: Int = 10

    @Option(help: "Comma-separated addresses exempt from the per-address limits, or 'none'. Default: loopback (127.0.0.1, ::1).")
    var trustedAddresses: String?

    @Option(help: "Password checks queued or running at once; more are refused with 'server full' at once.")
    var maxPendingHashes: Int = 64

    @Option(help: "Close a lobby client that sends nothing for this long (e.g. 30s, 500ms).")
    var idleTimeout: DurationArgument = .init(.seconds(30))

    @Option(help: "Largest lobby frame accepted, in bytes; a larger frame closes the connection.")
    var maxFrameSize: Int = LobbyFraming.defaultMaximumFrameSize

    @Option(help: "Frames per second a lobby client may send on average before it is cut off as a flood.")
    var maxFrameRate: Int = 300

    @Option(help: "PBKDF2-SHA256 rounds for new password hashes (higher is slower to crack and to log in).")
    var passwordIterations: Int = 100_000

    @Option(help: "Transport of realtime updates for rooms that don't choose: udp or tcp.")
    var updates: TransportArgument = .init(.udp)

    @Option(help: "Players needed in a room before it starts when all are ready.")
    var minPlayers: Int = 2

    @OptionGroup var match: MatchOptions

    @Option(help: "Realtime shards: event loops with their own UDP socket on --udp-port + i, matches spread over them (default: one per core).")
    var shards: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Share of a core (0.1-1) a shard may be busy before it takes no new matches; past it on every shard, rooms wait and are told why.")
    var tickBudget: Double = 0.85

    @OptionGroup(title: "Network impairment (UDP, in process)") var impairment: ImpairmentOptions

    @Option(help: "TCP_NODELAY on lobby connections: on sends each frame at once; off lets Nagle's algorithm hold small frames.")
    var tcpNodelay: OnOff = .on

    @Option(help: "The server's name, in the lobby's welcome and in LAN discovery answers.")
    var name: String = "netcode"

    @OptionGroup(title: "LAN discovery") var discovery: DiscoveryOptions

    @OptionGroup(title: "Operating the server") var operations: OperationsOptions

    func run() async throws {
        let logger = self.logging.makeLogger(label: "netcode.server")
        var configuration = ServerConfiguration(
            host: self.host,
            tcpPort: self.tcpPort,
            udpPort: self.udpPort,
            databasePath: self.database.databasePath,
            listenBacklog: self.backlog,
            maximumConnections: self.maxConnections,
            idleTimeout: self.idleTimeout.duration,
            maximumFrameSize: self.maxFrameSize,
            framesPerSecond: self.maxFrameRate,
            frameBurst: self.maxFrameRate * 2,
            passwordIterations: self.passwordIterations,
            loginFailuresAllowed: self.maxFailedLogins,
            loginFailureWindow: self.failedLoginWindow.duration,
            loginBlockDuration: self.loginBlock.duration,
            registrationsPerAddress: self.maxRegistrationsPerHour,
            registrationWindow: .seconds(3600),
            trustedAddresses: Self.parseTrustedAddresses(self.trustedAddresses),
            maximumPendingHashes: self.maxPendingHashes,
            maximumConnectionsPerAddress: self.maxConnectionsPerAddress,
            maximumRoomsPerAddress: self.maxRoomsPerAddress,
            defaultTransport: self.updates.transport,
            lobbyLimits: .init(minimumPlayersToStart: self.minPlayers),
            match: self.match.settings,
            impairment: try self.impairment.link(),
            impairmentSeed: self.impairment.impairSeed,
            realtimeShards: self.shards,
            tickBudget: self.tickBudget,
            adminSocketPath: self.operations.adminSocketPath(database: self.database.databasePath),
            metricsPort: self.operations.metricsPort,
            reconnectGrace: self.operations.reconnectGrace.duration,
            drainTimeout: self.operations.drainTimeout.duration
        )
        configuration.serverName = self.name
        configuration.tcpNoDelay = self.tcpNodelay.isOn
        configuration.discovery = self.discovery.settings(host: configuration.host)
        let database = try NetcodeDatabase.openFile(path: configuration.databasePath)
        let server = try GameServer(configuration: configuration, database: database, logger: logger)
        do {
            try await server.bind()
        } catch let error as AdminSocketError {
            logger.critical("\(error)")
            if case .inUse = error { throw ExitCode(OperationsOptions.adminSocketInUseExitCode) }
            throw ExitCode.failure
        }
        let group = ServiceGroup(
            configuration: .init(
                // A drain or `netcode admin shutdown` ends the server from inside: that is a clean exit.
                services: [.init(service: server, successTerminationBehavior: .gracefullyShutdownGroup)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
    }

    func validate() throws {
        guard (0...65535).contains(self.tcpPort), (0...65535).contains(self.udpPort) else {
            throw ValidationError("ports are between 0 and 65535")
        }
        guard self.maxFrameSize >= 64, self.maxFrameSize <= 16 << 20 else {
            throw ValidationError("--max-frame-size must be between 64 bytes and 16 MiB")
        }
        guard self.maxConnectionsPerAddress >= 1 else { throw ValidationError("--max-connections-per-address must be at least 1") }
        guard self.maxRoomsPerAddress >= 1 else { throw ValidationError("--max-rooms-per-address must be at least 1") }
        guard self.maxFailedLogins >= 1 else { throw ValidationError("--max-failed-logins must be at least 1") }
        guard self.failedLoginWindow.duration > .zero else { throw ValidationError("--failed-login-window must be longer than 0") }
        guard self.maxRegistrationsPerHour >= 0 else { throw ValidationError("--max-registrations-per-hour must be 0 or more") }
        guard self.maxPendingHashes >= 1 else { throw ValidationError("--max-pending-hashes must be at least 1") }
        if let text = self.trustedAddresses, text != "none",
           Self.parseTrustedAddresses(text).isEmpty || text.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw ValidationError("--trusted-addresses takes addresses separated by commas (e.g. 127.0.0.1,::1), or 'none'")
        }
        guard self.passwordIterations >= 1 else { throw ValidationError("--password-iterations must be at least 1") }
        guard self.minPlayers >= 1 else { throw ValidationError("--min-players must be at least 1") }
        guard (1...64).contains(self.shards) else { throw ValidationError("--shards must be between 1 and 64") }
        guard self.udpPort == 0 || self.udpPort + self.shards - 1 <= 65535 else {
            throw ValidationError("--udp-port \(self.udpPort) leaves no room for \(self.shards) shard ports")
        }
        guard (0.1...1).contains(self.tickBudget) else { throw ValidationError("--tick-budget must be between 0.1 and 1") }
        try self.operations.validate()
        do { try self.match.settings.validate() } catch { throw ValidationError("\(error)") }
    }
}

extension ServerCommand {
    /// nil: loopback; "none": nobody; otherwise the comma-separated addresses.
    static func parseTrustedAddresses(_ text: String?) -> Set<String> {
        guard let text else { return ServerConfiguration.loopbackAddresses }
        guard text != "none" else { return [] }
        return Set(text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
    }
}

struct TransportArgument: ExpressibleByArgument, Sendable {
    var transport: UpdateTransport
    init(_ transport: UpdateTransport) { self.transport = transport }
    init?(argument: String) {
        guard let transport = UpdateTransport(name: argument) else { return nil }
        self.transport = transport
    }
    var defaultValueDescription: String { "\(self.transport)" }
    static var allValueStrings: [String] { UpdateTransport.allCases.map(\.name) }
}

/// How the server runs matches.
struct MatchOptions: ParsableArguments {
    @Option(help: "Simulation ticks per second (10-128).")
    var tickRate: Int = 30

    @Option(help: "Send a snapshot every this many ticks (1 = every tick).")
    var snapshotInterval: Int = 1

    @Option(help: "Length of a match in seconds.")
    var matchDuration: Double = 60

    @Option(help: "Seed of the first match (later matches add their match id); random when omitted.")
    var seed: UInt64?

    @Option(help: "A player from whom nothing arrives for this long leaves the match.")
    var sessionTimeout: DurationArgument = .init(.seconds(10))

    var settings: MatchSettings {
        MatchSettings(
            tickRate: self.tickRate,
            snapshotInterval: self.snapshotInterval,
            durationSeconds: self.matchDuration,
            sessionTimeout: self.sessionTimeout.duration,
            seed: self.seed
        )
    }
}
