import ArgumentParser
import NetcodeClient
import NetcodeProtocol

/// `netcode discover`: the LAN browser. Probes the discovery group and lists the servers that answer.
struct DiscoverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "discover",
        abstract: "List game servers on the LAN: a probe to the discovery multicast group, the answers as they come.",
        discussion: """
            Servers answer with their name, lobby (TCP) and realtime (UDP) ports, players connected and lobby \
            protocol version (docs/PROTOCOL.md, section 3). The probe leaves from --interface, one hop only; \
            the default, loopback, finds servers on this machine; give this host's LAN address to search the LAN.
            """
    )

    @OptionGroup var discovery: DiscoveryGroupOptions

    @Option(help: "IPv4 address of the interface to probe from (the servers' --host, or this host's LAN address).")
    var interface: String = "127.0.0.1"

    @Option(help: "Probes to send, 100 ms apart.")
    var probes: Int = 3

    @Option(help: "How long to wait for answers after the last probe.")
    var wait: DurationArgument = .init(.seconds(1))

    func run() async throws {
        let options = LANDiscovery.Options(
            group: self.discovery.discoveryGroup,
            port: self.discovery.discoveryPort,
            interfaceAddress: self.interface,
            probes: self.probes,
            wait: self.wait.duration
        )
        let servers: [DiscoveredServer]
        do {
            servers = try await LANDiscovery.discover(options)
        } catch let failure as LANDiscovery.Failure {
            throw ValidationError(failure.description)
        }
        print("probed \(options.group):\(options.port) from \(options.interfaceAddress): \(servers.count) server\(servers.count == 1 ? "" : "s") answered")
        guard !servers.isEmpty else { return }
        print("  name                  address          tcp    udp    players  protocol  answer bytes")
        for server in servers {
            let answer = server.answer
            let name = answer.name.count > 20 ? String(answer.name.prefix(19)) + "…" : answer.name
            print("  \(name.padding(20))  \(server.address.padding(15))  \(String(answer.tcpPort).padding(5))  \(String(answer.udpPort).padding(5))  \(String(answer.players).padding(7))  v\(String(answer.protocolVersion).padding(7))  \(server.answerBytes) (probe \(DiscoveryProbe.size))")
        }
    }
}

/// The discovery group and port, shared by `server` and `discover`.
struct DiscoveryGroupOptions: ParsableArguments {
    @Option(help: "IPv4 multicast group of LAN discovery.")
    var discoveryGroup: String = DiscoverySettingsDefaults.group

    @Option(help: "UDP port of LAN discovery.")
    var discoveryPort: Int = DiscoverySettingsDefaults.port

    func validate() throws {
        let parts = self.discoveryGroup.split(separator: ".").compactMap { Int($0) }
        guard parts.count == 4, parts.allSatisfy({ (0...255).contains($0) }), (224...239).contains(parts[0]) else {
            throw ValidationError("--discovery-group must be an IPv4 multicast address (224.0.0.0-239.255.255.255), e.g. 239.255.77.77")
        }
        guard (1...65535).contains(self.discoveryPort) else { throw ValidationError("--discovery-port must be between 1 and 65535") }
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String {
        self.count >= width ? self : self + String(repeating: " ", count: width - self.count)
    }
}
