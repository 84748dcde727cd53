/// Where a server answers LAN discovery probes (docs/PROTOCOL.md, section 3).
public struct DiscoverySettings: Sendable, Hashable {
    /// An organisation-local multicast group (239.255.0.0/16, RFC 2365): routers at a site's edge do
    /// not forward it, so probes and answers stay on the LAN.
    public static let defaultGroup = "239.255.77.77"
    public static let defaultPort = 7779

    /// The IPv4 multicast group probes are sent to.
    public var group: String
    public var port: Int
    /// The address of the interface to join the group on (the server's listening address); "0.0.0.0"
    /// lets the kernel choose.
    public var interfaceAddress: String

    public init(group: String = Self.defaultGroup, port: Int = Self.defaultPort, interfaceAddress: String = "127.0.0.1") {
        self.group = group
        self.port = port
        self.interfaceAddress = interfaceAddress
    }
}
