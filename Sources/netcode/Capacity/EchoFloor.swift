import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The socket floor: the least CPU a process can spend per UDP datagram on this machine, measured with
/// the plainest possible server (one blocking `recvfrom`, one `sendto` back, nothing else) in its own
/// process. A capacity step measures it at the game server's own datagram rate, so the server's cost
/// can be read as a multiple of what the kernel alone costs.
enum EchoFloor {
    /// Serves until `deadline` (seconds from now) passes: every datagram is sent back to its sender.
    static func serve(port: Int, seconds: Double) throws -> Never {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw EchoError("socket: \(String(cString: strerror(errno)))") }
        var address = Self.loopback(port: port)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw EchoError("bind 127.0.0.1:\(port): \(String(cString: strerror(errno)))") }
        var size: Int32 = 4 << 20
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        // A receive timeout so the loop can see its deadline when traffic stops.
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let end = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 2048)
        var peer = sockaddr_storage()
        var checked = 0
        while true {
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let count = withUnsafeMutablePointer(to: &peer) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(fd, &buffer, buffer.count, 0, $0, &length) }
            }
            if count > 0 {
                _ = withUnsafePointer(to: &peer) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, buffer, count, 0, $0, length) }
                }
            }
            checked += 1
            if count <= 0 || checked % 4096 == 0, Date() >= end { break }
        }
        close(fd)
        exit(0)
    }

    /// Sends `rate` datagrams per second of `size` bytes to the echo server for `seconds`, from
    /// `sockets` client sockets, and drains the echoes. Returns how many echoes came back.
    static func drive(port: Int, rate: Double, size: Int, sockets: Int, seconds: Double) -> Int {
        let clientCount = max(sockets, 1)
        var fds: [Int32] = []
        for _ in 0..<clientCount {
            let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
            var server = Self.loopback(port: port)
            _ = withUnsafePointer(to: &server) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            var size: Int32 = 1 << 20
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
            fds.append(fd)
        }
        let received = ManagedAtomicCounter()
        let stop = ManagedAtomicCounter()
        let sockets = fds
        let drainer = Thread {
            var pollFDs = sockets.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            var buffer = [UInt8](repeating: 0, count: 2048)
            while stop.value == 0 {
                guard poll(&pollFDs, nfds_t(pollFDs.count), 100) > 0 else { continue }
                for index in pollFDs.indices where pollFDs[index].revents & Int16(POLLIN) != 0 {
                    while recv(pollFDs[index].fd, &buffer, buffer.count, Int32(MSG_DONTWAIT)) > 0 { received.add(1) }
                }
            }
        }
        drainer.start()
        let payload = [UInt8](repeating: 0x5A, count: max(size, 1))
        let start = Date()
        var sent = 0
        var next = 0
        while true {
            let elapsed = Date().timeIntervalSince(start)
            if elapsed >= seconds { break }
            // Paced in 1 ms slices: send what is due by now, then sleep the rest of the slice.
            let due = Int(elapsed * rate)
            while sent < due {
                _ = send(fds[next], payload, payload.count, Int32(MSG_DONTWAIT))
                next = (next + 1) % fds.count
                sent += 1
            }
            usleep(1000)
        }
        usleep(200_000)
        stop.add(1)
        while !drainer.isFinished { usleep(10_000) }
        for fd in fds { close(fd) }
        return received.value
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr = in_addr(s_addr: UInt32(0x7F00_0001).bigEndian)
        return address
    }

    struct EchoError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}

/// A counter two threads share (the echo driver's sender and drainer).
final class ManagedAtomicCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func add(_ amount: Int) {
        self.lock.lock()
        self.count += amount
        self.lock.unlock()
    }

    var value: Int {
        self.lock.lock()
        defer { self.lock.unlock() }
        return self.count
    }
}
