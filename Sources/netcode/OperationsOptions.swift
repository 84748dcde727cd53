import ArgumentParser

/// `netcode server`'s options for the people who run it: the admin socket, metrics and probes,
/// reconnection and drain (docs/OPERATIONS.md).
struct OperationsOptions: ParsableArguments {
    /// `netcode server` exits with this when another server answers on its admin socket.
    static let adminSocketInUseExitCode: Int32 = 3

    @Option(name: .customLong("admin-socket"), help: "UNIX socket for `netcode admin` (mode 0600, this user and root only), or 'none'. Default: the --db path with .sock for .sqlite (data/netcode.sock).")
    var adminSocket: String?

    @Option(help: "Serve /metrics, /healthz and /readyz over HTTP on this port of --host (off when omitted).")
    var metricsPort: Int?

    @Option(help: "How long a player whose lobby connection drops mid-match keeps the seat (0 turns it off).")
    var reconnectGrace: DurationArgument = .init(.seconds(15))

    @Option(help: "The most `netcode admin drain` waits for running matches before it stops the server anyway.")
    var drainTimeout: DurationArgument = .init(.seconds(300))

    /// The admin socket for a server on `database`: the option's path, or the database's path with
    /// `.sock` (so servers on different databases never meet on one socket). A default too long for a
    /// UNIX socket path (107 bytes) turns the socket off rather than failing the start.
    func adminSocketPath(database: String) -> String? {
        if let path = self.adminSocket { return path == "none" ? nil : path }
        let base = database.hasSuffix(".sqlite") ? String(database.dropLast(".sqlite".count)) : database
        let path = base + ".sock"
        return path.utf8.count < 108 ? path : nil
    }

    func validate() throws {
        if let port = self.metricsPort, !(0...65535).contains(port) { throw ValidationError("--metrics-port is between 0 and 65535") }
        if let path = self.adminSocket {
            guard !path.isEmpty else { throw ValidationError("--admin-socket takes a path, or 'none'") }
            guard path == "none" || path.utf8.count < 108 else {
                throw ValidationError("--admin-socket: a UNIX socket path is at most 107 bytes")
            }
        }
    }
}
