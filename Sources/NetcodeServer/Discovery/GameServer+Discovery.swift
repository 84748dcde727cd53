import NetcodeProtocol

extension GameServer {
    /// Starts answering LAN discovery probes when the configuration asks for it. A server that cannot
    /// join the group still serves players: discovery is a convenience, so it is logged and left off.
    /// The UDP port discovery probes are answered on, once bound (`nil` when discovery is off).
    public var discoveryPort: Int? { self.discoveryResponder.withLockedValue { $0?.port } }

    func startDiscovery() async {
        guard let settings = self.configuration.discovery else { return }
        // The lobby, not the server: the server keeps the responder, so a closure holding the server
        // would keep every stopped server (and its shards) alive in a process that goes on.
        let lobby = self.lobby
        let identity = DiscoveryResponder.Identity(
            name: self.configuration.serverName,
            tcpPort: self.tcpPort ?? self.configuration.tcpPort,
            udpPort: self.udpPort ?? self.configuration.udpPort,
            players: { await lobby.connectionCount }
        )
        do {
            let responder = try await DiscoveryResponder(settings: settings, identity: identity, group: self.eventLoopGroup, logger: self.logger)
            self.discoveryResponder.withLockedValue { $0 = responder }
            if self.isShuttingDown { responder.close() }
            self.logger.info("answering LAN discovery", metadata: ["group": "\(settings.group):\(responder.port)", "interface": "\(settings.interfaceAddress)"])
        } catch {
            self.logger.warning("LAN discovery off: could not join \(settings.group):\(settings.port) on \(settings.interfaceAddress): \(error)")
        }
    }
}
