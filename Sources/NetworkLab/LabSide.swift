/// One end of the lab's link, each in a network namespace of its own.
///
/// The server side is namespace A and the client side namespace B; packets from the server to the client
/// cross the link's downstream direction, packets from the client to the server its upstream direction,
/// as in ``LinkEmulator/LinkProfile``.
public enum LabSide: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Namespace A, address 10.201.0.1: where the game server runs.
    case server
    /// Namespace B, address 10.201.0.2: where the clients (bots) run.
    case client

    /// The IPv4 address of this side's TUN device, as text.
    public var address: String {
        switch self {
        case .server: "10.201.0.1"
        case .client: "10.201.0.2"
        }
    }

    /// The other end of the link.
    public var peer: LabSide {
        switch self {
        case .server: .client
        case .client: .server
        }
    }

    /// The address in network byte order, for socket calls.
    var addressInNetworkOrder: UInt32 {
        switch self {
        case .server: UInt32(10 | 201 << 8 | 0 << 16 | 1 << 24)
        case .client: UInt32(10 | 201 << 8 | 0 << 16 | 2 << 24)
        }
    }

    /// `A` or `B`, the names the documentation and diagrams use.
    public var namespaceName: String {
        switch self {
        case .server: "A"
        case .client: "B"
        }
    }

    public var description: String {
        "\(self.rawValue) side (namespace \(self.namespaceName), \(self.address))"
    }
}
