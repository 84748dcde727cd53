#if os(Linux)
import Foundation

extension NetworkLab {
    /// Ports with a listening TCP socket, and ports with a bound UDP socket, inside one side.
    public func openPorts(on side: LabSide) -> (tcp: Set<UInt16>, udp: Set<UInt16>) {
        let handles = self.handles(side)
        let tcp = SystemCall.readAll(handles.tcpSockets).map { SocketTable.localPorts($0, state: SocketTable.listenState) } ?? []
        let udp = SystemCall.readAll(handles.udpSockets).map { SocketTable.localPorts($0, state: nil) } ?? []
        return (tcp, udp)
    }

    /// Waits until a server on `side` listens on `tcpPort` and has bound `udpPort` (either may be `nil`),
    /// looking at the namespace's socket tables, so no probe packet crosses the impaired link.
    /// - Throws: `.ioFailed` after `timeout`, naming what is still missing.
    public func waitUntilListening(
        on side: LabSide,
        tcpPort: UInt16? = nil,
        udpPort: UInt16? = nil,
        timeout: Duration = .seconds(10)
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            let open = self.openPorts(on: side)
            let tcpReady = tcpPort.map { open.tcp.contains($0) } ?? true
            let udpReady = udpPort.map { open.udp.contains($0) } ?? true
            if tcpReady && udpReady { return }
            guard ContinuousClock.now < deadline else {
                var missing: [String] = []
                if !tcpReady, let tcpPort { missing.append("TCP port \(tcpPort)") }
                if !udpReady, let udpPort { missing.append("UDP port \(udpPort)") }
                throw NetworkLabError(.ioFailed, "nothing listens on \(missing.joined(separator: " and ")) on the \(side) after \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// The running program's own executable (from `/proc/self/exe`), to start more of itself in the lab,
    /// such as `netcode server` on the server side.
    public static var currentExecutablePath: String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    }
}
#endif
