#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why the admin socket's path cannot be used.
public enum AdminSocketError: Error, CustomStringConvertible, Sendable {
    /// Another server is listening there: it is never taken over.
    case inUse(path: String)
    /// Something that is not a socket is in the way; it is never deleted.
    case notASocket(path: String)
    case unusable(path: String, reason: String)

    public var description: String {
        switch self {
        case .inUse(let path):
            return "another server is running with its admin socket at \(path) (it answered a connection); stop it, or give this one --admin-socket PATH or --admin-socket none"
        case .notASocket(let path):
            return "\(path) exists and is not a socket; move it away or give --admin-socket another path"
        case .unusable(let path, let reason):
            return "the admin socket \(path) cannot be used: \(reason)"
        }
    }
}

/// The admin socket's file: a leftover from a server that was killed is found (nobody answers a
/// connection) and removed; a live server's socket is never touched.
enum AdminSocketFile {
    /// Makes `path` free to bind: nothing there, or a stale socket removed.
    static func prepare(path: String) throws(AdminSocketError) {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return }
            throw .unusable(path: path, reason: String(cString: strerror(errno)))
        }
        guard (info.st_mode & S_IFMT) == S_IFSOCK else { throw .notASocket(path: path) }
        switch Self.probe(path: path) {
        case .answered:
            throw .inUse(path: path)
        case .refused:
            // A socket file nobody listens on: the server that made it is gone.
            guard unlink(path) == 0 || errno == ENOENT else {
                throw .unusable(path: path, reason: "a stale socket could not be removed: \(String(cString: strerror(errno)))")
            }
        case .failed(let reason):
            throw .unusable(path: path, reason: reason)
        }
    }

    enum Probe: Equatable { case answered, refused, failed(String) }

    /// Connects to the socket at `path` once, and says whether anyone answered.
    static func probe(path: String) -> Probe {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return .failed(String(cString: strerror(errno))) }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return .failed("the path is too long for a UNIX socket") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        if result == 0 { return .answered }
        switch errno {
        case ECONNREFUSED, ENOENT: return .refused
        case EAGAIN: return .answered  // a live listener whose backlog is full
        default: return .failed(String(cString: strerror(errno)))
        }
    }

    /// Owner read and write only; the peer credential check is the second lock.
    static func restrict(path: String) throws(AdminSocketError) {
        guard chmod(path, 0o600) == 0 else { throw .unusable(path: path, reason: "chmod: \(String(cString: strerror(errno)))") }
    }

    static func remove(path: String) {
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFSOCK else { return }
        unlink(path)
    }
}
