#if os(Linux)
import Glibc
import Synchronization

extension NetworkLab {
    /// Sends UDP datagrams of `payloadBytes` from the client side to the server side for `duration`,
    /// as fast as possible or at `packetsPerSecond`, and reports how many packets per second the
    /// emulator forwarded, and how many it dropped or delivered late. The sender, the receiver and the
    /// emulator are threads of this process, so on a small machine they compete for the same cores:
    /// the figures are what the whole path achieves, a lower bound for the emulator alone.
    public func measureForwardingRate(
        duration: Duration = .seconds(3),
        payloadBytes: Int = 64,
        packetsPerSecond: Int? = nil,
        port: UInt16 = 7103
    ) throws(NetworkLabError) -> LabForwardingReport {
        guard duration > .zero, duration <= .seconds(60), (1...1400).contains(payloadBytes), (packetsPerSecond ?? 1) > 0 else {
            throw NetworkLabError(.invalidArgument, "send for 0-60 s, payloads of 1-1400 bytes, at a positive rate")
        }
        let receiver = LabSocket(try self.makeSocket(in: .server, type: .udp))
        try receiver.bind(.server, port: port)
        receiver.setBufferSizes(4 << 20)
        let sender = LabSocket(try self.makeSocket(in: .client, type: .udp))
        try sender.bind(.client, port: 0)
        try sender.connect(.server, port: port)

        let sink = FloodSink(fd: receiver.fd)
        let sinkThread = LabThread(name: "lab-flood-sink") { sink.serve() }
        let before = self.counters()
        let started = SystemCall.monotonicNow()
        let end = started + duration
        var sent = 0
        var payload = [UInt8](repeating: 0x5A, count: payloadBytes)
        let spacing = packetsPerSecond.map { Duration.seconds(1) / $0 }
        payload.withUnsafeMutableBytes { bytes in
            while true {
                if let spacing {
                    // Paced: catch up to the schedule, then sleep a little rather than spin.
                    let now = SystemCall.monotonicNow()
                    if now >= end { break }
                    let due = Int((now - started) / spacing) + 1
                    while sent < due {
                        if send(sender.fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL)) >= 0 { sent += 1 } else { break }
                    }
                    usleep(50)
                    continue
                }
                // Flooding: check the clock every 64 sends to keep it off the hot path.
                for _ in 0..<64 {
                    if send(sender.fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL)) >= 0 { sent += 1 }
                }
                if SystemCall.monotonicNow() >= end { break }
            }
        }
        let elapsed = SystemCall.monotonicNow() - started
        let after = self.counters()
        // Let what is still in flight arrive before counting what the receiver got.
        usleep(200_000)
        let received = sink.finish(sinkThread)

        var report = LabForwardingReport()
        report.duration = elapsed
        report.sent = sent
        report.read = after.upstream.packetsRead - before.upstream.packetsRead
        report.forwarded = after.upstream.packetsWritten - before.upstream.packetsWritten
        report.received = received
        report.kernelQueueDrops = (after.upstream.kernelQueueDrops ?? 0) - (before.upstream.kernelQueueDrops ?? 0)
        report.droppedNoBuffer = after.upstream.droppedNoBuffer - before.upstream.droppedNoBuffer
        report.droppedByModel = after.upstream.dropped - before.upstream.dropped
        report.lateDeliveries = after.upstream.lateDeliveries - before.upstream.lateDeliveries
        report.maximumLateness = after.upstream.maximumLateness
        return report
    }
}

/// Drains the flood on the server side.
final class FloodSink: Sendable {
    let fd: Int32
    let stop = Atomic<Bool>(false)
    private let count = Atomic<Int>(0)

    init(fd: Int32) {
        self.fd = fd
    }

    func serve() {
        var buffer = [UInt8](repeating: 0, count: 2048)
        var received = 0
        buffer.withUnsafeMutableBytes { bytes in
            while !self.stop.load(ordering: .relaxed) {
                var entry = pollfd(fd: self.fd, events: Int16(POLLIN), revents: 0)
                guard poll(&entry, 1, 20) > 0 else { continue }
                while recv(self.fd, bytes.baseAddress, bytes.count, Int32(MSG_DONTWAIT)) >= 0 {
                    received += 1
                }
            }
        }
        self.count.store(received, ordering: .releasing)
    }

    func finish(_ thread: LabThread) -> Int {
        self.stop.store(true, ordering: .releasing)
        thread.join()
        return self.count.load(ordering: .acquiring)
    }
}
#endif
