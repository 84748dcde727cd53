import Foundation
import NetcodeClient
import NetcodeProtocol
@testable import NetcodeServer

#if canImport(Glibc)
import Glibc
#endif

/// A fresh folder under /tmp for admin sockets: a UNIX socket path has at most 107 bytes.
struct SocketFolder {
    let path: String

    init() throws {
        var template = Array("/tmp/nc-ops-XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "mkdtemp failed"])
        }
        self.path = String(cString: template)
    }

    var socket: String { self.path + "/admin.sock" }

    func remove() { try? FileManager.default.removeItem(atPath: self.path) }
}

extension AdminClient {
    /// Sends a request and requires an answer that says ok.
    func ok(_ command: AdminRequest.Command, player: String? = nil) async throws -> AdminResponse {
        let (response, line) = try await self.send(AdminRequest(command: command, player: player))
        guard response.ok else { throw CocoaError(.featureUnsupported, userInfo: [NSLocalizedDescriptionKey: "admin \(command) refused: \(line)"]) }
        return response
    }
}

extension LobbyClient {
    /// Reads until a message `match` accepts, skipping everything else (pushes, pongs, room states).
    func waitFor<T: Sendable>(_ what: String, timeout: Duration = .seconds(120), _ match: (ServerMessage) -> T?) async throws -> T {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            guard let message = try await self.next(timeout: deadline - clock.now) else { throw LobbyClientError.connectionClosed }
            if let value = match(message) { return value }
        }
        throw LobbyClientError.timedOut(waitingFor: what)
    }
}

/// The file mode bits of `path` (without the type).
func fileMode(_ path: String) -> mode_t? {
    var info = stat()
    guard lstat(path, &info) == 0 else { return nil }
    return info.st_mode & 0o7777
}

/// Runs blocking work (a read, a child process) on a thread of its own: blocking the cooperative pool,
/// which has as many threads as cores, can starve the server under test of the threads it needs.
func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
