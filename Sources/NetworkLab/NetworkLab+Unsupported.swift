#if !os(Linux)
/// Stands in for the Linux network lab elsewhere: it cannot be built, and says so.
///
/// ``availability(tunDevicePath:probing:)`` reports why; the initializer throws the same reason, so callers
/// can fall back to the in-process impairment.
public final class NetworkLab: Sendable {
    public let configuration: LabConfiguration
    public let mode: LabAvailability.Mode

    public init(configuration: LabConfiguration = LabConfiguration()) throws(NetworkLabError) {
        throw NetworkLabError(.unavailable, Self.availability(probing: false).reason)
    }

    public func address(of side: LabSide) -> String { side.address }
    public func namespacePath(of side: LabSide) -> String { "" }
    public func userNamespacePath(of side: LabSide) -> String? { nil }
    public var isShutDown: Bool { true }
    public var processes: [LabProcess] { [] }
    public func shutdown(grace: Duration = .seconds(2)) {}
    public func counters() -> LabCounters { LabCounters() }

    public func kernelCounters(of side: LabSide) throws(NetworkLabError) -> LabKernelCounters {
        throw NetworkLabError(.unavailable, Self.availability(probing: false).reason)
    }

    public func spawn(_ arguments: [String], in side: LabSide, options: LabSpawnOptions = LabSpawnOptions()) throws(NetworkLabError) -> LabProcess {
        throw NetworkLabError(.unavailable, Self.availability(probing: false).reason)
    }

    public func makeSocket(in side: LabSide, type: LabSocketType) throws(NetworkLabError) -> Int32 {
        throw NetworkLabError(.unavailable, Self.availability(probing: false).reason)
    }

    public func openPorts(on side: LabSide) -> (tcp: Set<UInt16>, udp: Set<UInt16>) { ([], []) }

    public func waitUntilListening(on side: LabSide, tcpPort: UInt16? = nil, udpPort: UInt16? = nil, timeout: Duration = .seconds(10)) async throws {
        throw NetworkLabError(.unavailable, Self.availability(probing: false).reason)
    }

    public static var currentExecutablePath: String? { nil }

    public func runSelfTest(_ options: LabSelfTestOptions = LabSelfTestOptions()) throws(NetworkLabError) -> LabSelfTestReport {
        throw NetworkLabError(.unavailable, Self.availability(probing: false).reason)
    }

    public func measureForwardingRate(duration: Duration = .seconds(3), payloadBytes: Int = 64, packetsPerSecond: Int? = nil, port: UInt16 = 7103) throws(NetworkLabError) -> LabForwardingReport {
        throw NetworkLabError(.unavailable, Self.availability(probing: false).reason)
    }
}

/// The kinds of socket ``NetworkLab/makeSocket(in:type:)`` makes.
public enum LabSocketType: Sendable, Hashable {
    case udp
    case tcp
}

/// A program running in the lab; never created on this platform.
public final class LabProcess: Sendable {
    public let pid: Int32 = -1
    public let side: LabSide = .client
    public let arguments: [String] = []
    public let ownProcessGroup = false

    private init() {}

    public var exitStatus: LabExitStatus? { nil }
    public func wait() async -> LabExitStatus { .exited(-1) }
    public func waitUntilExit(timeout: Duration? = nil) -> LabExitStatus? { nil }
    public func signal(_ signal: Int32) {}
    public func terminate(grace: Duration = .seconds(2)) async -> LabExitStatus { .exited(-1) }
    public func standardOutput() -> String { "" }
    public func standardError() -> String { "" }
}
#endif
