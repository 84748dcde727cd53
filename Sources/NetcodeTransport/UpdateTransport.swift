/// How a match carries its realtime traffic (inputs up, snapshots down), and so which side of a TCP-vs-UDP
/// comparison a figure belongs to. The one transport type of the project: the wire protocol sends its raw
/// value, the database and the reports store its name.
public enum UpdateTransport: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible, Codable {
    /// Datagrams on the server's UDP port.
    case udp = 1
    /// The same packets, carried in `realtime` frames on the lobby's TCP connection.
    case tcp = 2

    /// "udp" or "tcp": what the command line takes and the database and JSON reports store.
    public var name: String {
        switch self {
        case .udp: "udp"
        case .tcp: "tcp"
        }
    }

    public var description: String { self.name }

    /// From a name, in any case; `nil` for anything else.
    public init?(name: String) {
        switch name.lowercased() {
        case "udp": self = .udp
        case "tcp": self = .tcp
        default: return nil
        }
    }

    /// Encoded as its name, so JSON reads "udp" or "tcp".
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let transport = UpdateTransport(name: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown transport \"\(text)\" (udp or tcp)"))
        }
        self = transport
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.name)
    }
}
