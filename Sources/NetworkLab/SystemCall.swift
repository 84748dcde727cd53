#if os(Linux)
import Glibc

/// Small wrappers over libc that the lab's Linux code shares.
enum SystemCall {
    /// `strerror` text for an errno value.
    static func describe(_ error: Int32) -> String {
        guard let text = strerror(error) else { return "errno \(error)" }
        return String(cString: text)
    }

    /// CLOCK_MONOTONIC as a duration since boot: the clock every process on the machine shares, so
    /// timestamps taken in either namespace compare directly.
    static func monotonicNow() -> Duration {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return .seconds(now.tv_sec) + .nanoseconds(now.tv_nsec)
    }

    /// Monotonic time in nanoseconds, for wire formats.
    static func monotonicNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }

    /// Closes `fd` if it is valid, ignoring errors (used on clean-up paths).
    static func closeQuietly(_ fd: Int32) {
        if fd >= 0 { _ = close(fd) }
    }

    /// Reads a whole (small, seekable) file from an already open descriptor, from offset 0.
    static func readAll(_ fd: Int32) -> String? {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        var offset: off_t = 0
        while true {
            let count = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if count == 0 { break }
            result.append(contentsOf: chunk[0..<count])
            offset += off_t(count)
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// The contents of a small text file, or `nil`.
    static func readFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return self.readAll(fd)
    }

    /// Duration in nanoseconds, clamped to `Int64`.
    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return product &+ attoseconds / 1_000_000_000
    }
}
#endif
