#if os(Linux)
import CNetworkLab
import Dispatch
import Foundation

/// A dedicated thread whose end can be waited for.
///
/// The lab needs threads of its own, not the concurrency pool's: the forwarding loop blocks in poll(),
/// and processes must be forked from a thread that lives as long as the lab, because a child's
/// parent-death signal fires when the *thread* that forked it ends, and pool threads come and go.
final class LabThread: Sendable {
    private let finished = DispatchSemaphore(value: 0)

    init(name: String, _ body: @escaping @Sendable () -> Void) {
        let finished = self.finished
        let thread = Thread {
            netlab_set_thread_name(name)
            body()
            finished.signal()
        }
        thread.start()
    }

    /// Waits for the body to return. Call once.
    func join() {
        self.finished.wait()
    }
}
#endif
