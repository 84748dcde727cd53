import ArgumentParser
import NetcodeServer

/// The defaults of the discovery group, one place for the server and the browser.
enum DiscoverySettingsDefaults {
    static let group = DiscoverySettings.defaultGroup
    static let port = DiscoverySettings.defaultPort
}

/// `netcode server`'s LAN discovery options: on by default, on the server's own interface.
struct DiscoveryOptions: ParsableArguments {
    @OptionGroup var group: DiscoveryGroupOptions

    @Flag(help: "Do not answer LAN discovery probes.")
    var noDiscovery = false

    /// The settings for a server listening on `host`, or `nil` when discovery is off.
    func settings(host: String) -> DiscoverySettings? {
        guard !self.noDiscovery else { return nil }
        return DiscoverySettings(group: self.group.discoveryGroup, port: self.group.discoveryPort, interfaceAddress: host)
    }
}
