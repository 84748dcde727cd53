import Histogram
import NIOConcurrencyHelpers

/// Traffic and staleness of many clients for the current reporting window: the swarm's live line reads
/// and resets it every second. Shared by all clients; updates take a short lock.
public final class LiveTraffic: Sendable {
    public struct Window: Sendable {
        public var packetsSent = 0
        public var packetsReceived = 0
        public var bytesSent = 0
        public var bytesReceived = 0
        public var snapshots = 0
        public var staleness = PlayerExperience.histogram()
    }

    private let window = NIOLockedValueBox(Window())

    public init() {}

    func sent(bytes: Int) {
        self.window.withLockedValue {
            $0.packetsSent += 1
            $0.bytesSent += bytes
        }
    }

    func received(bytes: Int, snapshot: Bool) {
        self.window.withLockedValue {
            $0.packetsReceived += 1
            $0.bytesReceived += bytes
            if snapshot { $0.snapshots += 1 }
        }
    }

    func staleness(micros: UInt64) {
        self.window.withLockedValue { _ = $0.staleness.record(micros) }
    }

    /// The window so far; a new one starts.
    public func take() -> Window {
        self.window.withLockedValue { window in
            defer { window = Window() }
            return window
        }
    }
}
