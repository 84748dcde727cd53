#if os(Linux)
import Glibc
#endif

extension NetworkLab {
    /// Whether a lab can be built here, and how (root or rootless), with the reason in one line.
    ///
    /// It checks the platform, the TUN device, privileges and user-namespace settings, and then, when
    /// `probing` is true (the default), builds and removes one side for real, since containers and
    /// security modules can refuse what the settings allow. Callers without a lab can fall back to the
    /// in-process datagram impairment, which needs none of this.
    public static func availability(tunDevicePath: String = "/dev/net/tun", probing: Bool = true) -> LabAvailability {
        #if os(Linux)
        let mode: LabAvailability.Mode
        switch self.preferredMode(tunDevicePath: tunDevicePath) {
        case .failure(let failure): return LabAvailability(mode: nil, reason: failure.reason)
        case .success(let chosen): mode = chosen
        }
        let how = mode == .root
            ? "running as root: network namespaces only, the host's namespace untouched"
            : "unprivileged: a user namespace per side maps uid \(geteuid()) to root inside it"
        guard probing else { return LabAvailability(mode: mode, reason: how) }
        do {
            let probe = LabConfiguration(tunDevicePath: tunDevicePath)
            let handles = try LabSideHandles.create(.server, configuration: probe, mode: mode)
            handles.closeAll()
        } catch {
            return LabAvailability(mode: nil, reason: error.explain(tunDevicePath: tunDevicePath))
        }
        return LabAvailability(mode: mode, reason: how)
        #else
        return LabAvailability(
            mode: nil,
            reason: "the network lab needs Linux (network namespaces and TUN devices); use the in-process impairment instead"
        )
        #endif
    }

    #if os(Linux)
    /// Root when the process may create network namespaces itself, otherwise rootless when the
    /// system allows unprivileged user namespaces and the TUN device is open to this user.
    static func preferredMode(tunDevicePath: String) -> Result<LabAvailability.Mode, AvailabilityFailure> {
        guard access(tunDevicePath, F_OK) == 0 else {
            return .failure(AvailabilityFailure("there is no \(tunDevicePath): load the tun module (`modprobe tun`) or give the container the device"))
        }
        if geteuid() == 0 && self.hasSystemAdministration() {
            return .success(.root)
        }
        if let value = self.readNumber("/proc/sys/user/max_user_namespaces"), value == 0 {
            return .failure(AvailabilityFailure("user namespaces are disabled (user.max_user_namespaces = 0) and this is not root: run as root"))
        }
        if let value = self.readNumber("/proc/sys/kernel/unprivileged_userns_clone"), value == 0 {
            return .failure(AvailabilityFailure("unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone = 0): run as root or set it to 1"))
        }
        if let value = self.readNumber("/proc/sys/kernel/apparmor_restrict_unprivileged_userns"), value == 1 {
            return .failure(AvailabilityFailure("AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns = 1): run as root"))
        }
        guard access(tunDevicePath, R_OK | W_OK) == 0 else {
            return .failure(AvailabilityFailure("\(tunDevicePath) is not readable and writable by uid \(geteuid()): run as root, or `chmod 0666 \(tunDevicePath)` (most distributions ship it so)"))
        }
        return .success(.rootless)
    }

    private static func readNumber(_ path: String) -> Int? {
        SystemCall.readFile(path).flatMap { Int($0.trimmingWhitespace()) }
    }

    /// Whether CAP_SYS_ADMIN (21) is in the effective set: root in a container may lack it.
    private static func hasSystemAdministration() -> Bool {
        guard let status = SystemCall.readFile("/proc/self/status") else { return true }
        for line in status.split(separator: "\n") where line.hasPrefix("CapEff:") {
            guard let mask = UInt64(line.dropFirst("CapEff:".count).trimmingWhitespace(), radix: 16) else { return true }
            return mask & (1 << 21) != 0
        }
        return true
    }
    #endif
}

/// Why the lab cannot be built, as one line.
struct AvailabilityFailure: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return String(slice)
    }
}
