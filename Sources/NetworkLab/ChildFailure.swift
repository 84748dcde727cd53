#if os(Linux)
import CNetworkLab
import Glibc

/// A failure a forked child reported: the step that failed and its errno, turned into a sentence that
/// says what to do about it.
struct ChildFailure: Error {
    let stage: Int32
    let error: Int32

    init(_ status: netlab_status) {
        self.stage = status.stage
        self.error = status.error
    }

    init(stage: netlab_stage, error: Int32) {
        self.stage = Int32(stage.rawValue)
        self.error = error
    }

    func `is`(_ stage: netlab_stage) -> Bool {
        self.stage == Int32(stage.rawValue)
    }

    /// What the step was, in words.
    var step: String {
        let names: [(netlab_stage, String)] = [
            (NETLAB_STAGE_FORK, "fork()"),
            (NETLAB_STAGE_PARENT_GONE, "checking the parent process"),
            (NETLAB_STAGE_PDEATHSIG, "prctl(PR_SET_PDEATHSIG)"),
            (NETLAB_STAGE_UNSHARE, "unshare() of the namespaces"),
            (NETLAB_STAGE_SETGROUPS, "writing /proc/self/setgroups"),
            (NETLAB_STAGE_UID_MAP, "writing /proc/self/uid_map"),
            (NETLAB_STAGE_GID_MAP, "writing /proc/self/gid_map"),
            (NETLAB_STAGE_LOOPBACK, "bringing up lo"),
            (NETLAB_STAGE_TUN_OPEN, "opening the TUN clone device"),
            (NETLAB_STAGE_TUN_SETIFF, "creating the TUN device (TUNSETIFF)"),
            (NETLAB_STAGE_DISABLE_IPV6, "disabling IPv6 on the TUN device"),
            (NETLAB_STAGE_ADDRESS, "setting the TUN device's addresses"),
            (NETLAB_STAGE_MTU, "setting the MTU"),
            (NETLAB_STAGE_LINK_UP, "bringing the TUN device up"),
            (NETLAB_STAGE_RTO_MIN, "writing /proc/sys/net/ipv4/tcp_rto_min_us"),
            (NETLAB_STAGE_HANDLES, "opening the namespace handles in /proc/self"),
            (NETLAB_STAGE_SEND, "passing descriptors back (SCM_RIGHTS)"),
            (NETLAB_STAGE_SETNS_USER, "joining the lab's user namespace (setns)"),
            (NETLAB_STAGE_SETNS_NET, "joining the lab's network namespace (setns)"),
            (NETLAB_STAGE_PROCESS_GROUP, "setpgid()"),
            (NETLAB_STAGE_STDIO, "redirecting standard input and output"),
            (NETLAB_STAGE_CHDIR, "changing to the working directory"),
            (NETLAB_STAGE_EXEC, "execve()"),
            (NETLAB_STAGE_SOCKET, "socket()"),
            (NETLAB_STAGE_RECEIVE, "receiving descriptors from the child"),
        ]
        return names.first { self.is($0.0) }?.1 ?? "step \(self.stage)"
    }

    /// The failure with a hint for the cases people meet.
    func explain(tunDevicePath: String = "/dev/net/tun") -> String {
        let base = "\(self.step) failed: \(SystemCall.describe(self.error))"
        if self.is(NETLAB_STAGE_UNSHARE) && (self.error == EPERM || self.error == EACCES || self.error == ENOSPC) {
            return base + " (namespaces are not allowed for this user here; run as root, or allow unprivileged user namespaces)"
        }
        if self.is(NETLAB_STAGE_TUN_OPEN) && self.error == EACCES {
            return base + " (\(tunDevicePath) must be readable and writable by uid \(getuid()): run as root, or `chmod 0666 \(tunDevicePath)`)"
        }
        if self.is(NETLAB_STAGE_TUN_OPEN) && self.error == ENOENT {
            return base + " (no \(tunDevicePath): load the tun module with `modprobe tun`)"
        }
        if self.is(NETLAB_STAGE_RTO_MIN) && self.error == ENOENT {
            return base + " (tcp_rto_min_us needs Linux 6.11 or later; leave the minimum RTO unset)"
        }
        if self.is(NETLAB_STAGE_EXEC) && self.error == ENOENT {
            return base + " (no such program)"
        }
        return base
    }
}
#endif
