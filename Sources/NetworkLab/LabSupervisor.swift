#if os(Linux)
import Dispatch
import Synchronization

/// Runs the lab's forks, one at a time, on a thread that lives until the lab shuts down, so that the
/// parent-death signal of every process started in the lab stays armed exactly as long as the lab.
final class LabSupervisor: Sendable {
    private final class Queue: Sendable {
        let jobs = Mutex<[@Sendable () -> Void]>([])
        let stopping = Atomic<Bool>(false)
        let wake = DispatchSemaphore(value: 0)

        func serve() {
            while true {
                self.wake.wait()
                let pending = self.jobs.withLock { jobs in
                    defer { jobs.removeAll() }
                    return jobs
                }
                for job in pending { job() }
                if self.stopping.load(ordering: .acquiring) && self.jobs.withLock({ $0.isEmpty }) { return }
            }
        }
    }

    /// Holds one job's result until its caller picks it up.
    private final class ResultBox<T: Sendable>: Sendable {
        let value = Mutex<T?>(nil)
        let ready = DispatchSemaphore(value: 0)
    }

    private let queue = Queue()
    private let thread: LabThread

    init() {
        let queue = self.queue
        self.thread = LabThread(name: "lab-supervisor") { queue.serve() }
    }

    /// Runs `body` on the supervisor thread and returns its result. Must not be called from a job.
    func perform<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T {
        // After shutdown there is no thread to wait for; the caller's own thread has to do.
        if self.queue.stopping.load(ordering: .acquiring) { return body() }
        let box = ResultBox<T>()
        self.queue.jobs.withLock { jobs in
            jobs.append {
                let result = body()
                box.value.withLock { $0 = result }
                box.ready.signal()
            }
        }
        self.queue.wake.signal()
        box.ready.wait()
        return box.value.withLock { $0! }
    }

    /// Lets queued jobs finish, then ends the thread (and with it the parent-death signal's anchor).
    func stop() {
        guard !self.queue.stopping.exchange(true, ordering: .acquiringAndReleasing) else { return }
        self.queue.wake.signal()
        self.thread.join()
    }
}
#endif
