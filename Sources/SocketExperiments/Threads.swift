#if canImport(Glibc)
import Glibc

/// A plain OS thread running one closure; `join()` waits for it. The blocking experiments need real
/// threads (one per client), not tasks on a shared pool.
final class OSThread: @unchecked Sendable {
    private var thread = pthread_t()
    private let body: @Sendable () -> Void

    /// `name` (at most 15 bytes) shows in /proc/self/task/*/comm, which is how the experiments count
    /// the threads a server uses.
    init(name: String = "experiment", _ body: @escaping @Sendable () -> Void) {
        self.body = { () in
            // pthread_setname_np needs _GNU_SOURCE, which Swift's Glibc module lacks; this file is what it writes.
            let fd = open("/proc/thread-self/comm", O_WRONLY)
            if fd >= 0 {
                let bytes = Array(name.utf8.prefix(15))
                _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                close(fd)
            }
            body()
        }
        let box = Unmanaged.passRetained(self).toOpaque()
        pthread_create(&self.thread, nil, { raw in
            let me = Unmanaged<OSThread>.fromOpaque(raw!).takeRetainedValue()
            me.body()
            return nil
        }, box)
    }

    func join() { pthread_join(self.thread, nil) }
}

/// A lock-protected value shared between threads.
final class Shared<Value>: @unchecked Sendable {
    private var value: Value
    private var mutex = pthread_mutex_t()

    init(_ value: Value) {
        self.value = value
        pthread_mutex_init(&self.mutex, nil)
    }

    func with<T>(_ body: (inout Value) -> T) -> T {
        pthread_mutex_lock(&self.mutex)
        defer { pthread_mutex_unlock(&self.mutex) }
        return body(&self.value)
    }
}

/// Percentiles of a list of nanosecond samples.
struct Samples {
    var values: [UInt64] = []

    func percentile(_ p: Double) -> UInt64 {
        guard !self.values.isEmpty else { return 0 }
        let sorted = self.values.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p / 100 + 0.5))]
    }

    var summary: String {
        "p50 \(microseconds(self.percentile(50))), p90 \(microseconds(self.percentile(90))), max \(microseconds(self.percentile(100)))"
    }
}
#endif
