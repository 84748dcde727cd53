import NetcodeProtocol

extension GameServer {
    /// Starts answering LAN discovery probes when the configuration asks for it. A server that cannot
    /// join the group still serves players: discovery is a convenience, so it is logged and left off.
    func startDiscovery() async -> DiscoveryResponder? {
        guard let settings = self.configuration.discovery else { return nil }
        let identity = DiscoveryResponder.Identity(
            name: self.configuration.serverName,
            tcpPort: self.tcpPort ?? self.configuration.tcpPort,
            udpPort: self.udpPort ?? self.configuration.udpPort,
            players: { await self.lobby.connectionCount }
        )
        do {
            let responder = try await DiscoveryResponder(settings: settings, identity: identity, group: self.eventLoopGroup, logger: self.logger)
            self.discoveryResponder.withLockedValue { $0 = responder }
            if self.isShuttingDown { responder.close() }
            self.logger.info("answering LAN discovery", metadata: ["group": "\(settings.group):\(responder.port)", "interface": "\(settings.interfaceAddress)"])
            return responder
        } catch {
            self.logger.warning("LAN discovery off: could not join \(settings.group):\(settings.port) on \(settings.interfaceAddress): \(error)")
            return nil
        }
    }
}
