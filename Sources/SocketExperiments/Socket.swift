#if canImport(Glibc)
import Glibc

/// An error from a system call, with the call's name and `errno`, so an experiment can show exactly
/// what the kernel said.
public struct SocketCallError: Error, CustomStringConvertible, Sendable {
    public let call: String
    public let code: Int32
    public var description: String { "\(self.call): \(String(cString: strerror(self.code))) (\(SocketCallError.name(self.code)))" }

    static func name(_ code: Int32) -> String {
        switch code {
        case EADDRINUSE: "EADDRINUSE"
        case ECONNRESET: "ECONNRESET"
        case ECONNREFUSED: "ECONNREFUSED"
        case EAGAIN: "EAGAIN"
        case EINPROGRESS: "EINPROGRESS"
        case EPIPE: "EPIPE"
        case ETIMEDOUT: "ETIMEDOUT"
        case EMSGSIZE: "EMSGSIZE"
        default: "errno \(code)"
        }
    }
}

/// Thin wrappers over the BSD socket calls on IPv4 loopback and AF_UNIX. Each returns a plain file
/// descriptor the experiment owns and closes; nothing here hides what the kernel does.
enum Sock {
    static let loopback = inet_addr("127.0.0.1")

    static func check(_ result: Int32, _ call: String) throws -> Int32 {
        if result < 0 { throw SocketCallError(call: call, code: errno) }
        return result
    }

    static func tcp() throws -> Int32 { try check(socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0), "socket") }
    static func udp() throws -> Int32 { try check(socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0), "socket") }

    static func setInt(_ fd: Int32, _ level: Int32, _ option: Int32, _ value: Int32) throws {
        var value = value
        _ = try check(setsockopt(fd, level, option, &value, socklen_t(MemoryLayout<Int32>.size)), "setsockopt")
    }

    static func getInt(_ fd: Int32, _ level: Int32, _ option: Int32) -> Int32 {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, level, option, &value, &length)
        return value
    }

    static func address(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = self.loopback
        return address
    }

    static func bind(_ fd: Int32, port: Int) throws {
        var address = self.address(port: port)
        _ = try withUnsafePointer(to: &address) {
            try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                try check(Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)), "bind")
            }
        }
    }

    /// Connects; for a non-blocking socket EINPROGRESS is not an error.
    static func connect(_ fd: Int32, port: Int) throws {
        var address = self.address(port: port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if result < 0 && errno != EINPROGRESS { throw SocketCallError(call: "connect", code: errno) }
    }

    static func localPort(_ fd: Int32) -> Int {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// A TCP listener on 127.0.0.1; port 0 lets the kernel choose.
    static func listener(port: Int = 0, backlog: Int32 = 16, reuseAddress: Bool = false, reusePort: Bool = false) throws -> Int32 {
        let fd = try tcp()
        do {
            if reuseAddress { try setInt(fd, SOL_SOCKET, SO_REUSEADDR, 1) }
            if reusePort { try setInt(fd, SOL_SOCKET, SO_REUSEPORT, 1) }
            try bind(fd, port: port)
            _ = try check(listen(fd, backlog), "listen")
            return fd
        } catch {
            close(fd)
            throw error
        }
    }

    /// A connected client and the server's accepted end of it.
    static func connectedPair(listener: Int32) throws -> (client: Int32, server: Int32) {
        let client = try tcp()
        try connect(client, port: localPort(listener))
        let server = try check(accept(listener, nil, nil), "accept")
        return (client, server)
    }

    static func setNonBlocking(_ fd: Int32) {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    static func setReceiveTimeout(_ fd: Int32, milliseconds: Int) {
        var timeout = timeval(tv_sec: milliseconds / 1000, tv_usec: (milliseconds % 1000) * 1000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Waits until `fd` is readable (or `events` ready); false on timeout.
    static func wait(_ fd: Int32, events: Int16 = Int16(POLLIN), milliseconds: Int32) -> Bool {
        var entry = pollfd(fd: fd, events: events, revents: 0)
        return poll(&entry, 1, milliseconds) > 0
    }

    /// Sends all of `bytes`, looping over partial writes.
    static func sendAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if sent < 0 { throw SocketCallError(call: "send", code: errno) }
            offset += sent
        }
    }

    /// Receives exactly `count` bytes, or fewer if the peer closes.
    static func receiveExactly(_ fd: Int32, _ count: Int) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            let received = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + offset, count - offset, 0) }
            if received < 0 { throw SocketCallError(call: "recv", code: errno) }
            if received == 0 { break }
            offset += received
        }
        return Array(buffer[0..<offset])
    }
}

/// Monotonic time in nanoseconds.
func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}

/// Milliseconds with one decimal, for printing.
func milliseconds(_ nanoseconds: UInt64) -> String {
    let tenths = (nanoseconds + 50_000) / 100_000
    return "\(tenths / 10).\(tenths % 10) ms"
}

func microseconds(_ nanoseconds: UInt64) -> String { "\((nanoseconds + 500) / 1000) µs" }

/// Sleeps on the calling thread.
func pause(milliseconds: Int) { usleep(UInt32(milliseconds * 1000)) }
#endif
