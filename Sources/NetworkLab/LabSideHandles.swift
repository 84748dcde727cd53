#if os(Linux)
import CNetworkLab
import Glibc

/// The descriptors that keep one side alive. The namespace has no process of its own: it lives as long
/// as these are open (and as long as processes run inside it), so closing them removes the TUN device
/// and, with the last process, the namespace.
struct LabSideHandles: Sendable {
    let side: LabSide
    let tun: Int32
    let networkNamespace: Int32
    /// Only used in rootless mode, to join the side's user namespace before its network namespace.
    let userNamespace: Int32
    /// `/proc/net/snmp`, `/proc/net/netstat`, `/proc/net/dev`, `/proc/net/tcp` and `/proc/net/udp` as
    /// opened inside the namespace: they keep showing that namespace's view whoever reads them.
    let snmp: Int32
    let netstat: Int32
    let dev: Int32
    let tcpSockets: Int32
    let udpSockets: Int32

    /// The name both TUN devices have, each in its own namespace.
    static let interfaceName = "lab0"

    /// The user namespace to join, or -1 when joining the network namespace is enough (root).
    func userNamespaceToJoin(_ mode: LabAvailability.Mode) -> Int32 {
        mode == .rootless ? self.userNamespace : -1
    }

    /// Closes the TUN device and the namespace handles: the device disappears at once, the namespace
    /// with its last process and the counter files.
    func closeLink() {
        for fd in [self.tun, self.networkNamespace, self.userNamespace] {
            SystemCall.closeQuietly(fd)
        }
    }

    /// Closes the counter files, which also hold the namespace.
    func closeCounters() {
        for fd in [self.snmp, self.netstat, self.dev, self.tcpSockets, self.udpSockets] {
            SystemCall.closeQuietly(fd)
        }
    }

    func closeAll() {
        self.closeLink()
        self.closeCounters()
    }

    /// Creates the side's namespaces and TUN device in a forked child.
    static func create(
        _ side: LabSide,
        configuration: LabConfiguration,
        mode: LabAvailability.Mode
    ) throws(ChildFailure) -> LabSideHandles {
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
            throw ChildFailure(stage: NETLAB_STAGE_FORK, error: errno)
        }
        defer {
            close(pair[0])
            close(pair[1])
        }
        // The child only copies these; they must outlive fork(), so they are plain C allocations.
        let strings = CStrings([
            "0 \(geteuid()) 1",
            "0 \(getegid()) 1",
            configuration.tunDevicePath,
            self.interfaceName,
            "/proc/sys/net/ipv6/conf/\(self.interfaceName)/disable_ipv6",
            configuration.rtoMinimumMicrosecondsText ?? "",
        ])
        defer { strings.free() }
        var request = netlab_side_config()
        request.create_user_namespace = mode == .rootless ? 1 : 0
        request.uid_map = UnsafePointer(strings[0])
        request.gid_map = UnsafePointer(strings[1])
        request.tun_path = UnsafePointer(strings[2])
        request.interface_name = UnsafePointer(strings[3])
        request.disable_ipv6_path = UnsafePointer(strings[4])
        request.rto_min_us = configuration.rtoMinimumMicrosecondsText == nil ? nil : UnsafePointer(strings[5])
        request.local_address = side.addressInNetworkOrder
        request.peer_address = side.peer.addressInNetworkOrder
        request.mtu = Int32(configuration.mtu)
        request.reply_fd = pair[1]
        request.parent_pid = getpid()

        let child = netlab_fork_side(&request)
        guard child > 0 else { throw ChildFailure(stage: NETLAB_STAGE_FORK, error: errno) }
        var status = netlab_status()
        var fds = [Int32](repeating: -1, count: NETLAB_SIDE_FD_COUNT)
        let received = netlab_receive(pair[0], &status, &fds, Int32(fds.count), 10_000)
        let receiveError = errno
        var ignored: Int32 = 0
        if received < 0 { kill(child, SIGKILL) }
        while waitpid(child, &ignored, 0) < 0 && errno == EINTR {}
        if received < 0 { throw ChildFailure(stage: NETLAB_STAGE_RECEIVE, error: receiveError) }
        guard status.stage == 0, received == fds.count else {
            for fd in fds.prefix(Int(max(received, 0))) { SystemCall.closeQuietly(fd) }
            throw ChildFailure(status.stage == 0 ? netlab_status(stage: Int32(NETLAB_STAGE_RECEIVE.rawValue), error: EPROTO) : status)
        }
        return LabSideHandles(
            side: side,
            tun: fds[NETLAB_SIDE_TUN],
            networkNamespace: fds[NETLAB_SIDE_NETNS],
            userNamespace: fds[NETLAB_SIDE_USERNS],
            snmp: fds[NETLAB_SIDE_SNMP],
            netstat: fds[NETLAB_SIDE_NETSTAT],
            dev: fds[NETLAB_SIDE_DEV],
            tcpSockets: fds[NETLAB_SIDE_TCP_SOCKETS],
            udpSockets: fds[NETLAB_SIDE_UDP_SOCKETS]
        )
    }
}

/// NUL-terminated copies of Swift strings that stay put until ``free()``.
struct CStrings {
    private let pointers: [UnsafeMutablePointer<CChar>]

    init(_ strings: [String]) {
        self.pointers = strings.map { strdup($0)! }
    }

    subscript(index: Int) -> UnsafeMutablePointer<CChar> {
        self.pointers[index]
    }

    /// A NULL-terminated array of the strings, as `argv` and `envp` are; valid until ``free()``.
    func withArray<R>(_ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        var array: [UnsafeMutablePointer<CChar>?] = self.pointers
        array.append(nil)
        return array.withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    func free() {
        for pointer in self.pointers { Glibc.free(pointer) }
    }
}
#endif
