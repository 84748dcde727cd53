import ArgumentParser
import Foundation
import LinkEmulator
import NetworkLab

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `netcode lab`: build the Linux network lab and poke at it.
struct LabCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lab",
        abstract: "Two network namespaces joined by an impaired link that real kernel TCP and UDP cross (Linux).",
        discussion: """
            The server side (namespace A) is 10.201.0.1, the client side (namespace B) 10.201.0.2. A thread of \
            this process forwards every IP packet between them through a seeded link model (loss, delay, \
            jitter, reordering, duplication, rate). Everything is removed when the command ends.

            Examples:
              netcode lab status
              netcode lab check --loss 5% --latency 20ms --jitter 2ms
              netcode lab run --network wifi --server 'exec netcode server --host 10.201.0.1' -- netcode bots --host 10.201.0.1
              netcode lab run --latency 50ms            (a shell on the client side)
              netcode lab bench --send-rate 100000 --latency 20ms
              netcode lab run --loss 2% --pcap link.pcapng -- curl -s http://10.201.0.1:8000/   (then: tcpdump -r link.pcapng)
            """,
        subcommands: [Status.self, Check.self, Run.self, Bench.self],
        defaultSubcommand: Status.self
    )
}

extension LabCommand {
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Say whether the lab can be built here, and how (root or rootless)."
        )

        @Flag(help: "Only check settings and permissions; do not build and remove a test namespace.")
        var noProbe = false

        @Option(help: "The TUN clone device.")
        var tunDevice: String = "/dev/net/tun"

        func run() throws {
            let availability = NetworkLab.availability(tunDevicePath: self.tunDevice, probing: !self.noProbe)
            guard availability.isAvailable else { throw LabCommand.unavailable(availability.reason) }
            print(availability)
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Self-test: UDP echoes and a TCP transfer across the impaired link, measured.",
            discussion: """
                Prints the round-trip time and one-way delays, UDP loss each way, and for TCP the throughput, \
                the retransmissions the kernel made (TCP_INFO and /proc/net/snmp inside the namespace) and \
                whether the data arrived intact. Exits non-zero when the data did not arrive intact.
                """
        )

        @OptionGroup var link: LabLinkOptions

        @Option(help: "UDP echo requests to send.")
        var pings: Int = 200

        @Option(help: "Time between echo requests, e.g. 5ms.")
        var interval: String = "5ms"

        @Option(help: "Bytes to send over TCP, e.g. 256kib or 1mb (0 skips the TCP phase).")
        var tcpBytes: String = "256kib"

        func run() throws {
            let lab = try LabCommand.build(self.link.configuration())
            let guardian = LabSignalGuard(lab: lab, interruptible: true)
            defer {
                guardian.cancel()
                lab.shutdown()
            }
            print("lab: \(lab.mode.rawValue) mode; \(lab.configuration.summary)")
            let options = LabSelfTestOptions(
                pings: self.pings,
                pingInterval: try LabLinkOptions.duration(self.interval, option: "--interval"),
                tcpBytes: try LabLinkOptions.bytes(self.tcpBytes, option: "--tcp-bytes")
            )
            let report = try lab.runSelfTest(options)
            for line in report.summaryLines { print(line) }
            if options.tcpBytes > 0 && !report.tcp.intact { throw ExitCode(1) }
        }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a command on one side of the lab (a shell when none is given).",
            discussion: """
                The command runs in the foreground with this terminal; when it ends, --server commands are \
                terminated, the link's counters are printed to standard error and the lab is removed. The \
                command sees NETCODE_LAB_SIDE, NETCODE_LAB_SERVER_ADDRESS and NETCODE_LAB_CLIENT_ADDRESS.
                """
        )

        @OptionGroup var link: LabLinkOptions

        @Option(help: "Side to run the command on: client (10.201.0.2) or server (10.201.0.1).")
        var side: LabSide = .client

        @Option(
            name: .customLong("server"),
            help: "A shell command to start on the server side first (repeatable); start it with exec so the lab can stop it."
        )
        var serverCommands: [String] = []

        @Option(help: "Time to let --server commands start before the command runs, e.g. 500ms.")
        var settle: String = "500ms"

        @Flag(help: "Do not print the link's counters at the end.")
        var quiet = false

        // Only what follows `--` is the command: capturing everything instead would take `--help` for a
        // command to run.
        @Argument(parsing: .postTerminator, help: "The command and its arguments, after --.")
        var command: [String] = []

        func run() async throws {
            let lab = try LabCommand.build(self.link.configuration())
            let guardian = LabSignalGuard(lab: lab, interruptible: false)
            defer {
                guardian.cancel()
                lab.shutdown()
            }
            let environment = [
                "NETCODE_LAB_SIDE": self.side.rawValue,
                "NETCODE_LAB_SERVER_ADDRESS": LabSide.server.address,
                "NETCODE_LAB_CLIENT_ADDRESS": LabSide.client.address,
            ]
            for server in self.serverCommands {
                _ = try lab.spawn(
                    ["/bin/sh", "-c", server],
                    in: .server,
                    options: LabSpawnOptions(output: .inherit, environment: environment.merging(["NETCODE_LAB_SIDE": "server"]) { $1 })
                )
            }
            if !self.serverCommands.isEmpty {
                try await Task.sleep(for: try LabLinkOptions.duration(self.settle, option: "--settle"))
            }
            var command = self.command.first == "--" ? Array(self.command.dropFirst()) : self.command
            if command.isEmpty {
                command = [ProcessInfo.processInfo.environment["SHELL"] ?? "/bin/sh"]
                FileHandle.standardError.write(Data("""
                    lab: \(lab.mode.rawValue) mode; \(lab.configuration.summary)
                    lab: shell on the \(self.side); the \(self.side.peer.rawValue) side is \(self.side.peer.address). Exit the shell to remove the lab.

                    """.utf8))
            }
            let process = try lab.spawn(
                command,
                in: self.side,
                options: LabSpawnOptions(output: .inherit, inheritStandardInput: true, environment: environment, ownProcessGroup: false)
            )
            let status = await process.wait()
            for server in lab.processes where server.pid != process.pid {
                _ = await server.terminate(grace: .seconds(2))
            }
            if !self.quiet {
                for line in lab.counters().summaryLines {
                    FileHandle.standardError.write(Data("lab: \(line)\n".utf8))
                }
            }
            if !status.succeeded { throw ExitCode(status.shellCode) }
        }
    }

    struct Bench: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure how many packets per second the emulator forwards (UDP across the link).",
            discussion: """
                Without --send-rate it floods, to find the ceiling; with --send-rate it shows whether the lab keeps up \
                with that load: no packets dropped by the kernel and none delivered late.
                """
        )

        @OptionGroup var link: LabLinkOptions

        @Option(help: "How long to send, e.g. 3s.")
        var duration: String = "3s"

        @Option(help: "UDP payload bytes per datagram.")
        var payload: Int = 64

        @Option(help: "Send this many datagrams per second instead of as many as possible.")
        var sendRate: Int?

        func run() throws {
            let lab = try LabCommand.build(self.link.configuration())
            let guardian = LabSignalGuard(lab: lab, interruptible: true)
            defer {
                guardian.cancel()
                lab.shutdown()
            }
            print("lab: \(lab.mode.rawValue) mode; \(lab.configuration.summary)")
            let report = try lab.measureForwardingRate(
                duration: try LabLinkOptions.duration(self.duration, option: "--duration"),
                payloadBytes: self.payload,
                packetsPerSecond: self.sendRate
            )
            for line in report.summaryLines { print(line) }
        }
    }

    /// Builds the lab or fails with the one line that says why not.
    static func build(_ configuration: LabConfiguration) throws -> NetworkLab {
        do {
            return try NetworkLab(configuration: configuration)
        } catch {
            throw Self.unavailable(error.message)
        }
    }

    /// Prints `reason` as one line on standard error and exits with status 2.
    static func unavailable(_ reason: String) -> ExitCode {
        FileHandle.standardError.write(Data("netcode lab: \(reason)\n".utf8))
        return ExitCode(2)
    }
}

extension LabSide: ExpressibleByArgument {}

/// The lab's link and kernel settings, as options every `lab` subcommand shares: the impairment
/// options of the other commands, plus what only a real kernel has.
struct LabLinkOptions: ParsableArguments {
    @OptionGroup var impairment: ImpairmentOptions

    @Option(help: "Set tcp_rto_min_us in both namespaces, e.g. 50ms (Linux 6.11+). Default: the kernel's own 200 ms.")
    var tcpRtoMin: String?

    @Option(help: "The TUN clone device.")
    var tunDevice: String = "/dev/net/tun"

    @Option(help: "MTU of the link (576-1500 bytes): larger IP packets are fragmented by the sender.")
    var mtu: Int = 1500

    @Option(help: "Write every packet the link forwards, with its fate (delivered, lost, held), to this pcapng file (docs/SOCKETS.md).")
    var pcap: String?

    func configuration() throws -> LabConfiguration {
        do {
            let link = try self.impairment.link() ?? .none
            let rto = try self.tcpRtoMin.map { try Self.duration($0, option: "--tcp-rto-min") }
            return LabConfiguration(
                link: link,
                seed: self.impairment.impairSeed,
                tcpMinimumRetransmissionTimeout: rto,
                mtu: self.mtu,
                tunDevicePath: self.tunDevice,
                capturePath: self.pcap
            )
        } catch let error as LinkProfileError {
            throw ValidationError(error.description)
        }
    }

    static func duration(_ text: String, option: String) throws -> Duration {
        do {
            return try ImpairmentProfile.parseDuration(text)
        } catch {
            throw ValidationError("\(option): \(error.message)")
        }
    }

    static func bytes(_ text: String, option: String) throws -> Int {
        do {
            return try ImpairmentProfile.parseByteCount(text)
        } catch {
            throw ValidationError("\(option): \(error.message)")
        }
    }
}

/// Removes the lab when the command is stopped by a signal, then exits as the signal would have.
///
/// With `interruptible` false, Ctrl-C is left to the foreground command (which shares the terminal) and
/// the lab waits for it to end; SIGTERM always removes the lab.
final class LabSignalGuard: @unchecked Sendable {
    // Dispatch sources are thread-safe; they are only created and cancelled here.
    private var sources: [any DispatchSourceSignal] = []
    private let signals: [Int32]

    init(lab: NetworkLab, interruptible: Bool) {
        self.signals = interruptible ? [SIGINT, SIGTERM] : [SIGTERM]
        if !interruptible { signal(SIGINT, SIG_IGN) }
        for number in self.signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                lab.shutdown(grace: .seconds(1))
                exit(128 + number)
            }
            source.resume()
            self.sources.append(source)
        }
    }

    func cancel() {
        for source in self.sources { source.cancel() }
        for number in self.signals + [SIGINT] { signal(number, SIG_DFL) }
    }
}
