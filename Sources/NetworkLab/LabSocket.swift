#if os(Linux)
import CNetworkLab
import Glibc
import SeededRandom

/// Blocking socket calls on a descriptor made in a lab namespace; used by the self-test and the benchmark.
struct LabSocket: ~Copyable {
    let fd: Int32

    init(_ fd: Int32) {
        self.fd = fd
    }

    deinit {
        close(self.fd)
    }

    static func address(_ side: LabSide, port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr = in_addr(s_addr: side.addressInNetworkOrder)
        return address
    }

    func bind(_ side: LabSide, port: UInt16) throws(NetworkLabError) {
        var one: Int32 = 1
        setsockopt(self.fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.address(side, port: port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(self.fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else { throw Self.failure("bind to \(side.address):\(port)") }
    }

    func connect(_ side: LabSide, port: UInt16) throws(NetworkLabError) {
        var address = Self.address(side, port: port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(self.fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else { throw Self.failure("connect to \(side.address):\(port)") }
    }

    func listen() throws(NetworkLabError) {
        guard Glibc.listen(self.fd, 16) == 0 else { throw Self.failure("listen") }
    }

    /// Send and receive timeouts (they also bound connect()).
    func setTimeouts(_ timeout: Duration) {
        let (seconds, attoseconds) = timeout.components
        var value = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        setsockopt(self.fd, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(self.fd, SOL_SOCKET, SO_SNDTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    func setBufferSizes(_ bytes: Int32) {
        var value = bytes
        setsockopt(self.fd, SOL_SOCKET, SO_RCVBUF, &value, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(self.fd, SOL_SOCKET, SO_SNDBUF, &value, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Waits until readable; false on timeout.
    func waitReadable(_ timeout: Duration) -> Bool {
        var entry = pollfd(fd: self.fd, events: Int16(POLLIN), revents: 0)
        let result = netlab_poll(&entry, 1, max(0, SystemCall.nanoseconds(timeout)))
        return result > 0
    }

    /// Sends all of `bytes`, or throws.
    func sendAll(_ bytes: UnsafeRawBufferPointer) throws(NetworkLabError) {
        var offset = 0
        while offset < bytes.count {
            let sent = Glibc.send(self.fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            if sent < 0 {
                if errno == EINTR { continue }
                throw Self.failure("send")
            }
            offset += sent
        }
    }

    func tcpInfo() -> netlab_tcp_info? {
        var info = netlab_tcp_info()
        return netlab_tcp_info_get(self.fd, &info) == 0 ? info : nil
    }

    static func failure(_ what: String) -> NetworkLabError {
        let error = errno
        let hint = error == EAGAIN ? " (timed out)" : ""
        return NetworkLabError(.ioFailed, "\(what) failed: \(SystemCall.describe(error))\(hint)")
    }
}

/// Bytes and checks the TCP phase uses.
enum Payload {
    /// Deterministic bytes from a seed (SplitMix64 output).
    static func bytes(count: Int, seed: UInt64) -> [UInt8] {
        var state = SplitMix64(seed: seed, stream: 0x7061_796C_6F61_64)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 8)
        while bytes.count < count {
            withUnsafeBytes(of: state.next().littleEndian) { bytes.append(contentsOf: $0) }
        }
        return Array(bytes.prefix(count))
    }

    /// 64-bit FNV-1a, continued from `hash`.
    static func fnv1a(_ bytes: UnsafeRawBufferPointer, continuing hash: UInt64 = 0xCBF2_9CE4_8422_2325) -> UInt64 {
        var hash = hash
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }
}
#endif
