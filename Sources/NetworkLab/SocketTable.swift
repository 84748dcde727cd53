/// Reads `/proc/net/tcp` and `/proc/net/udp`: which local ports have a listening TCP socket or a bound
/// UDP socket, so a caller can wait for a server to be ready before starting its clients.
enum SocketTable {
    /// TCP state `0A` is LISTEN.
    static let listenState = "0A"

    /// Local ports of the rows in `text` whose state is `state` (any state when `nil`).
    static func localPorts(_ text: String, state: String?) -> Set<UInt16> {
        var ports = Set<UInt16>()
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count > 3, let colon = fields[1].lastIndex(of: ":") else { continue }
            if let state, fields[3] != state { continue }
            if let port = UInt16(fields[1][fields[1].index(after: colon)...], radix: 16) { ports.insert(port) }
        }
        return ports
    }
}
