#if os(Linux)
import Glibc
import LinkEmulator
import Synchronization

/// Two network namespaces joined by an impaired link, for sending real kernel TCP and UDP through
/// loss, delay, jitter, reordering and duplication.
///
/// The server side (namespace A, 10.201.0.1) and the client side (namespace B, 10.201.0.2) each hold a
/// TUN device; one thread of this process forwards IP packets between the two devices, asking a seeded
/// ``LinkModel`` per direction when to deliver each. Start programs in either side with
/// ``spawn(_:in:options:)`` or make sockets there with ``makeSocket(in:type:)``.
///
/// Everything disappears with ``shutdown(grace:)``, or when this process exits for any reason: the
/// namespaces are held only by descriptors of this process and by the processes started in them, which
/// are killed when it dies.
public final class NetworkLab: Sendable {
    public let configuration: LabConfiguration
    public let mode: LabAvailability.Mode

    let server: LabSideHandles
    let client: LabSideHandles
    let supervisor: LabSupervisor
    let control: ForwarderControl
    private let forwarding: LabThread

    struct State {
        var isShutDown = false
        var processes: [LabProcess] = []
    }

    let state = Mutex(State())

    /// Builds the lab: both namespaces, both TUN devices, the forwarding thread.
    /// - Throws: ``NetworkLabError`` with code `.unavailable` when this machine cannot host a lab (the
    ///   message says why), `.setupFailed` when building it failed, `.invalidArgument` for a bad configuration.
    public init(configuration: LabConfiguration = LabConfiguration()) throws(NetworkLabError) {
        try configuration.validate()
        let mode: LabAvailability.Mode
        switch Self.preferredMode(tunDevicePath: configuration.tunDevicePath) {
        case .failure(let failure): throw NetworkLabError(.unavailable, failure.reason)
        case .success(let chosen): mode = chosen
        }
        let supervisor = LabSupervisor()
        let sides = supervisor.perform { () -> Result<(LabSideHandles, LabSideHandles), ChildFailure> in
            let server: LabSideHandles
            do throws(ChildFailure) {
                server = try LabSideHandles.create(.server, configuration: configuration, mode: mode)
            } catch {
                return .failure(error)
            }
            do throws(ChildFailure) {
                let client = try LabSideHandles.create(.client, configuration: configuration, mode: mode)
                return .success((server, client))
            } catch {
                server.closeAll()
                return .failure(error)
            }
        }
        let server: LabSideHandles
        let client: LabSideHandles
        switch sides {
        case .failure(let failure):
            supervisor.stop()
            throw NetworkLabError(.setupFailed, "could not build the network lab: \(failure.explain(tunDevicePath: configuration.tunDevicePath))")
        case .success(let built):
            (server, client) = built
        }
        let control: ForwarderControl
        do {
            control = try ForwarderControl(capturePath: configuration.capturePath)
        } catch {
            server.closeAll()
            client.closeAll()
            supervisor.stop()
            throw error
        }
        self.configuration = configuration
        self.mode = mode
        self.server = server
        self.client = client
        self.supervisor = supervisor
        self.control = control
        let serverTun = server.tun
        let clientTun = client.tun
        self.forwarding = LabThread(name: "lab-forwarder") {
            Forwarder(server: serverTun, client: clientTun, configuration: configuration, control: control).run()
        }
    }

    deinit {
        self.shutdown(grace: .milliseconds(500))
        // Kept open until now so counters can be read after shutdown.
        self.server.closeCounters()
        self.client.closeCounters()
    }

    /// The IPv4 address of a side (10.201.0.1 for the server, 10.201.0.2 for the client).
    public func address(of side: LabSide) -> String {
        side.address
    }

    /// A path that names the side's network namespace while this process runs, for people who want to
    /// look inside: `nsenter --net=PATH ip addr` (rootless: also `--user=` ``userNamespacePath(of:)``
    /// and `--preserve-credentials`).
    public func namespacePath(of side: LabSide) -> String {
        "/proc/\(getpid())/fd/\(self.handles(side).networkNamespace)"
    }

    /// The user namespace to join before the network namespace, in rootless mode; `nil` as root.
    public func userNamespacePath(of side: LabSide) -> String? {
        self.mode == .rootless ? "/proc/\(getpid())/fd/\(self.handles(side).userNamespace)" : nil
    }

    func handles(_ side: LabSide) -> LabSideHandles {
        side == .server ? self.server : self.client
    }

    /// Ends every process started in the lab (SIGTERM, then SIGKILL after `grace`), stops forwarding and
    /// closes the devices and namespaces. Safe to call more than once; blocks up to about `grace`.
    public func shutdown(grace: Duration = .seconds(2)) {
        let processes = self.state.withLock { state -> [LabProcess]? in
            guard !state.isShutDown else { return nil }
            state.isShutDown = true
            return state.processes
        }
        guard let processes else { return }
        for process in processes where process.exitStatus == nil {
            process.signal(SIGTERM)
        }
        let deadline = SystemCall.monotonicNow() + grace
        for process in processes {
            let left = deadline - SystemCall.monotonicNow()
            if process.waitUntilExit(timeout: max(left, .zero)) == nil {
                process.signal(SIGKILL)
                _ = process.waitUntilExit(timeout: .seconds(5))
            }
            // What the process left behind in its group; then its pid may go.
            process.signal(SIGKILL)
            process.reap()
        }
        self.control.requestStop()
        self.forwarding.join()
        self.supervisor.stop()
        self.server.closeLink()
        self.client.closeLink()
    }

    /// Whether ``shutdown(grace:)`` has run.
    public var isShutDown: Bool {
        self.state.withLock { $0.isShutDown }
    }
}
#endif
