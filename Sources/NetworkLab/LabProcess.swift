#if os(Linux)
import CNetworkLab
import Dispatch
import Glibc
import Synchronization

/// A program running inside one side of the lab.
///
/// It is a child of the lab process: it gets SIGKILL if the lab process dies, and ``NetworkLab/shutdown(grace:)``
/// terminates it. A background thread reaps it, so ``wait()`` never blocks a concurrency thread.
public final class LabProcess: Sendable {
    public let pid: Int32
    public let side: LabSide
    public let arguments: [String]
    /// Whether it leads a process group of its own (signals then reach its children too).
    public let ownProcessGroup: Bool

    private struct State {
        var status: LabExitStatus?
        var reaped = false
        var waiters: [CheckedContinuation<LabExitStatus, Never>] = []
    }

    private let state = Mutex(State())
    private let exited = DispatchSemaphore(value: 0)
    /// Descriptors of the unlinked files that capture output, or -1.
    private let outputCapture: Int32
    private let errorCapture: Int32

    init(pid: Int32, side: LabSide, arguments: [String], ownProcessGroup: Bool, outputCapture: Int32, errorCapture: Int32) {
        self.pid = pid
        self.side = side
        self.arguments = arguments
        self.ownProcessGroup = ownProcessGroup
        self.outputCapture = outputCapture
        self.errorCapture = errorCapture
    }

    deinit {
        SystemCall.closeQuietly(self.outputCapture)
        SystemCall.closeQuietly(self.errorCapture)
    }

    /// Starts the thread that waits for the process to end.
    ///
    /// A process leading its own group stays a zombie until ``reap()`` (at shutdown): while it is one,
    /// its pid, and so its process group id, cannot be given to another process, so signalling the
    /// group later can only reach what it left behind.
    func startWatching() {
        let pid = self.pid
        let keepZombie = self.ownProcessGroup
        _ = LabThread(name: "lab-reaper") { [self] in
            var signaled: Int32 = 0
            var code: Int32 = 0
            guard netlab_wait_without_reaping(pid, &signaled, &code) == 0 else {
                // Someone else reaped it (SIGCHLD set to SIG_IGN does that); nothing is known.
                self.finish(.exited(-1))
                return
            }
            self.finish(signaled != 0 ? .signaled(code) : .exited(code))
            if !keepZombie { self.reap() }
        }
    }

    /// Collects the process once it has ended (only once); after this its pid may be reused.
    func reap() {
        let claimed = self.state.withLock { state -> Bool in
            guard state.status != nil, !state.reaped else { return false }
            state.reaped = true
            return true
        }
        guard claimed else { return }
        var status: Int32 = 0
        while waitpid(self.pid, &status, 0) < 0 && errno == EINTR {}
    }

    private func finish(_ status: LabExitStatus) {
        let waiters = self.state.withLock { state in
            state.status = status
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        self.exited.signal()
        for waiter in waiters { waiter.resume(returning: status) }
    }

    /// How it ended, or `nil` while it runs.
    public var exitStatus: LabExitStatus? {
        self.state.withLock { $0.status }
    }

    /// Waits for the process to end.
    public func wait() async -> LabExitStatus {
        await withCheckedContinuation { continuation in
            let status = self.state.withLock { state -> LabExitStatus? in
                if let status = state.status { return status }
                state.waiters.append(continuation)
                return nil
            }
            if let status { continuation.resume(returning: status) }
        }
    }

    /// Blocks the calling thread until the process ends or `timeout` passes (`nil`: no limit).
    /// Returns `nil` on timeout. For synchronous callers; async code uses ``wait()``.
    public func waitUntilExit(timeout: Duration? = nil) -> LabExitStatus? {
        if let status = self.exitStatus { return status }
        let result: DispatchTimeoutResult
        if let timeout {
            result = self.exited.wait(timeout: .now() + .nanoseconds(Int(SystemCall.nanoseconds(timeout))))
        } else {
            self.exited.wait()
            result = .success
        }
        guard result == .success else { return nil }
        // Let the next waiter through as well.
        self.exited.signal()
        return self.exitStatus
    }

    /// Sends `signal` (e.g. `SIGTERM`) to the process, and to its process group when it has its own
    /// (which also reaches what it started, even after it ended itself).
    public func signal(_ signal: Int32) {
        let (ended, reaped) = self.state.withLock { ($0.status != nil, $0.reaped) }
        if self.ownProcessGroup {
            if !reaped { kill(-self.pid, signal) }
        } else if !ended {
            kill(self.pid, signal)
        }
    }

    /// SIGTERM, then SIGKILL if it has not ended within `grace`; returns how it ended. A caller that is
    /// cancelled does not wait out the grace: the process gets SIGKILL at once, so nothing is left running.
    public func terminate(grace: Duration = .seconds(2)) async -> LabExitStatus {
        if let status = self.exitStatus { return status }
        self.signal(SIGTERM)
        // The killer is a child task: it ends with this call, whichever way the call ends.
        return await withTaskGroup(of: Void.self) { group in
            group.addTask { [self] in
                // Cancelled early (the caller was): kill now. Cancelled because the process ended: nothing to do.
                try? await Task.sleep(for: grace)
                if self.exitStatus == nil { self.signal(SIGKILL) }
            }
            let status = await self.wait()
            group.cancelAll()
            return status
        }
    }

    /// Synchronous ``terminate(grace:)``, for shutdown paths.
    func terminateSynchronously(grace: Duration) {
        guard self.exitStatus == nil else { return }
        self.signal(SIGTERM)
        if self.waitUntilExit(timeout: grace) == nil {
            self.signal(SIGKILL)
            _ = self.waitUntilExit(timeout: .seconds(5))
        }
    }

    /// What it wrote to standard output so far, when spawned with ``LabSpawnOptions/Output/capture``.
    public func standardOutput() -> String {
        self.outputCapture >= 0 ? SystemCall.readAll(self.outputCapture) ?? "" : ""
    }

    /// What it wrote to standard error so far, when captured.
    public func standardError() -> String {
        self.errorCapture >= 0 ? SystemCall.readAll(self.errorCapture) ?? "" : ""
    }
}
#endif
