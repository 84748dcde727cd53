#if canImport(Glibc)
import Glibc
#endif

/// Datagrams the kernel dropped at our UDP sockets because their receive buffers were full: the last
/// column of /proc/net/udp and /proc/net/udp6, summed over the sockets bound to our ports. These never
/// reach the application, so only the kernel can count them; they are overload, never network loss.
public enum SocketDropCounter {
    /// The kernel's drop count summed over UDP sockets whose local port is one of `ports`, or `nil`
    /// where /proc/net/udp cannot be read (not Linux).
    public static func drops(ports: Set<Int>) -> UInt64? {
        var total: UInt64 = 0
        var readAny = false
        for path in ["/proc/net/udp", "/proc/net/udp6"] {
            guard let text = Self.read(path) else { continue }
            readAny = true
            total += Self.parse(text, ports: ports)
        }
        return readAny ? total : nil
    }

    /// Sums the drops column of a /proc/net/udp table for the given local ports.
    static func parse(_ table: String, ports: Set<Int>) -> UInt64 {
        var total: UInt64 = 0
        for line in table.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 13, let colon = fields[1].lastIndex(of: ":"),
                  let port = Int(fields[1][fields[1].index(after: colon)...], radix: 16), ports.contains(port),
                  let drops = UInt64(fields[fields.count - 1])
            else { continue }
            total += drops
        }
        return total
    }

    private static func read(_ path: String) -> String? {
        #if canImport(Glibc)
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count <= 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
        #else
        return nil
        #endif
    }
}
