#if os(Linux)
import CNetworkLab
import Dispatch
import Glibc
import LinkEmulator
import Synchronization

/// What the forwarding thread shares with everyone else: its latest counters and the way to stop it.
final class ForwarderControl: Sendable {
    let counters = Mutex(LabCounters())
    let stopRequested = Atomic<Bool>(false)
    /// An eventfd the loop polls, so a stop request wakes it at once.
    let wakeFd: Int32
    /// Where the forwarding thread records every packet's fate, when `--pcap` asked for it.
    let capture: PacketCapture?

    init(capturePath: String? = nil) throws(NetworkLabError) {
        self.capture = try capturePath.map { path throws(NetworkLabError) in try PacketCapture(path: path) }
        self.wakeFd = netlab_eventfd()
        guard self.wakeFd >= 0 else {
            throw NetworkLabError(.setupFailed, "eventfd() failed: \(SystemCall.describe(errno))")
        }
    }

    func requestStop() {
        self.stopRequested.store(true, ordering: .releasing)
        var one: UInt64 = 1
        _ = write(self.wakeFd, &one, 8)
    }

    deinit {
        close(self.wakeFd)
    }
}

/// One direction of the link as the loop drives it: from one TUN device, through the schedule, into the other.
final class ForwardingDirection {
    let source: Int32
    let destination: Int32
    var schedule: DirectionSchedule
    var counters = LabDirectionCounters()
    let captureDirection: PacketCapture.Direction

    init(source: Int32, destination: Int32, schedule: DirectionSchedule, captureDirection: PacketCapture.Direction) {
        self.source = source
        self.destination = destination
        self.schedule = schedule
        self.captureDirection = captureDirection
    }
}

/// The link emulator's loop: one thread reads IP packets from both TUN devices as they come, asks each
/// direction's link model when (and how often) to deliver them, and writes them into the other device at
/// their due time, sleeping in ppoll() until the next packet or the next due time.
///
/// Lives on its own thread; nothing here is shared except through ``ForwarderControl``.
final class Forwarder {
    /// Packets read from one device before looking at the other, so neither direction starves.
    static let readBatch = 64
    /// A delivery this much after its due time counts as late: the emulator did not keep up.
    static let lateThreshold = Duration.milliseconds(1)

    private let downstream: ForwardingDirection
    private let upstream: ForwardingDirection
    private let pool: PacketPool
    private let control: ForwarderControl
    /// Where packets go when every buffer is taken: they must still be read, or the kernel's queue fills.
    private let scratch: UnsafeMutableRawPointer
    private var iterations = 0
    private let capture: PacketCapture?
    /// When each buffer's packet was read (monotonic), to record how long it was held; only with a capture.
    private let arrivals: UnsafeMutablePointer<Duration>?
    /// Deliveries already made of each buffer, to mark the second one of a duplicated packet.
    private let deliveriesMade: UnsafeMutablePointer<UInt8>?

    init(server: Int32, client: Int32, configuration: LabConfiguration, control: ForwarderControl) {
        let seeds = configuration.directionSeeds
        self.downstream = ForwardingDirection(
            source: server,
            destination: client,
            schedule: DirectionSchedule(profile: configuration.link.downstream, seed: seeds.downstream, capacity: 2 * configuration.bufferCount),
            captureDirection: .downstream
        )
        self.upstream = ForwardingDirection(
            source: client,
            destination: server,
            schedule: DirectionSchedule(profile: configuration.link.upstream, seed: seeds.upstream, capacity: 2 * configuration.bufferCount),
            captureDirection: .upstream
        )
        self.pool = PacketPool(capacity: configuration.bufferCount)
        self.control = control
        self.scratch = .allocate(byteCount: PacketPool.bufferSize, alignment: 64)
        self.capture = control.capture
        if control.capture != nil {
            self.arrivals = .allocate(capacity: configuration.bufferCount)
            self.arrivals?.initialize(repeating: .zero, count: configuration.bufferCount)
            self.deliveriesMade = .allocate(capacity: configuration.bufferCount)
            self.deliveriesMade?.initialize(repeating: 0, count: configuration.bufferCount)
        } else {
            self.arrivals = nil
            self.deliveriesMade = nil
        }
    }

    deinit {
        self.scratch.deallocate()
        self.arrivals?.deallocate()
        self.deliveriesMade?.deallocate()
    }

    /// Forwards until a stop is requested.
    func run() {
        let fds = UnsafeMutablePointer<pollfd>.allocate(capacity: 3)
        defer { fds.deallocate() }
        fds[0] = pollfd(fd: self.downstream.source, events: Int16(POLLIN), revents: 0)
        fds[1] = pollfd(fd: self.upstream.source, events: Int16(POLLIN), revents: 0)
        fds[2] = pollfd(fd: self.control.wakeFd, events: Int16(POLLIN), revents: 0)

        var behind = false
        while !self.control.stopRequested.load(ordering: .acquiring) {
            // When deliveries run late, new packets wait in the kernel's queue (which drops, and is
            // counted) rather than here: an overloaded emulator then sheds load like a router instead
            // of stretching every packet's delay.
            if fds[0].revents != 0 { self.serviceSource(&fds[0], self.downstream, read: !behind) }
            if fds[1].revents != 0 { self.serviceSource(&fds[1], self.upstream, read: !behind) }
            if fds[2].revents != 0 {
                var value: UInt64 = 0
                _ = read(self.control.wakeFd, &value, 8)
            }
            let now = SystemCall.monotonicNow()
            self.deliver(self.downstream, now: now)
            self.deliver(self.upstream, now: now)
            self.iterations += 1
            self.publish()

            let after = SystemCall.monotonicNow()
            behind = self.earliestDue().map { after - $0 > Self.lateThreshold } ?? false
            for index in 0..<3 { fds[index].revents = 0 }
            let result = netlab_poll(fds, 3, behind ? 0 : self.timeout(now: after))
            if result < 0 && errno != EINTR {
                // Nothing sensible to do but not spin: wait a little and try again.
                usleep(1_000)
            }
        }
        self.discardInFlight(self.downstream)
        self.discardInFlight(self.upstream)
        self.capture?.flush()
        self.publish()
    }

    /// Nanoseconds until the earliest due packet, or -1 to wait for input only.
    private func timeout(now: Duration) -> Int64 {
        guard let earliest = self.earliestDue() else { return -1 }
        return max(0, SystemCall.nanoseconds(earliest - now))
    }

    private func earliestDue() -> Duration? {
        switch (self.downstream.schedule.nextDue, self.upstream.schedule.nextDue) {
        case let (down?, up?): min(down, up)
        case let (down?, nil): down
        case let (nil, up?): up
        case (nil, nil): nil
        }
    }

    private func serviceSource(_ entry: inout pollfd, _ direction: ForwardingDirection, read: Bool) {
        if read && entry.revents & Int16(POLLIN) != 0 {
            self.readPackets(direction)
        }
        if entry.revents & Int16(POLLERR | POLLHUP | POLLNVAL) != 0 {
            // A broken device would wake poll() forever; stop watching it and keep the other direction.
            entry.fd = -1
        }
    }

    private func readPackets(_ direction: ForwardingDirection) {
        for _ in 0..<Self.readBatch {
            guard let buffer = self.pool.take() else {
                let count = read(direction.source, self.scratch, PacketPool.bufferSize)
                guard count > 0 else { return }
                direction.counters.packetsRead += 1
                direction.counters.bytesRead += count
                direction.counters.droppedNoBuffer += 1
                self.capture?.record(self.scratch, length: count, direction: direction.captureDirection, fate: .lost(reason: "no buffer"), wallClockMicroseconds: PacketCapture.wallClockMicroseconds())
                continue
            }
            let bytes = self.pool.bytes(buffer)
            let count = read(direction.source, bytes, PacketPool.bufferSize)
            guard count > 0 else {
                self.pool.release(buffer)
                return
            }
            let now = SystemCall.monotonicNow()
            direction.counters.packetsRead += 1
            direction.counters.bytesRead += count
            switch IPv4Packet.classify(bytes, count: count) {
            case .tcp: direction.counters.tcpPackets += 1
            case .udp: direction.counters.udpPackets += 1
            case .icmp: direction.counters.icmpPackets += 1
            case .other: direction.counters.otherPackets += 1
            case .malformed: direction.counters.malformedPackets += 1
            }
            self.pool.setLength(buffer, count)
            switch direction.schedule.offer(buffer, size: count, at: now) {
            case .dropped(let reason):
                self.capture?.record(bytes, length: count, direction: direction.captureDirection, fate: .lost(reason: "\(reason)"), wallClockMicroseconds: PacketCapture.wallClockMicroseconds())
                self.pool.release(buffer)
            case .scheduled(let copies):
                if copies > 1 { self.pool.retain(buffer) }
                self.arrivals?[Int(buffer)] = now
                self.deliveriesMade?[Int(buffer)] = 0
            }
        }
    }

    private func deliver(_ direction: ForwardingDirection, now: Duration) {
        while let (buffer, due) = direction.schedule.popDueWithTime(now: now) {
            let lateness = now - due
            if lateness > direction.counters.maximumLateness { direction.counters.maximumLateness = lateness }
            if lateness > Self.lateThreshold { direction.counters.lateDeliveries += 1 }
            let length = self.pool.length(buffer)
            let written = write(direction.destination, self.pool.bytes(buffer), length)
            if let capture = self.capture, let arrivals = self.arrivals, let deliveriesMade = self.deliveriesMade {
                let index = Int(buffer)
                let duplicate = deliveriesMade[index] > 0
                deliveriesMade[index] += 1
                let fate: PacketCapture.Fate = written < 0
                    ? .lost(reason: "write failed: \(SystemCall.describe(errno))")
                    : .delivered(heldNanoseconds: SystemCall.nanoseconds(SystemCall.monotonicNow() - arrivals[index]), duplicate: duplicate)
                capture.record(self.pool.bytes(buffer), length: length, direction: direction.captureDirection, fate: fate, wallClockMicroseconds: PacketCapture.wallClockMicroseconds())
            }
            if written < 0 {
                direction.counters.writeFailures += 1
                direction.counters.lastWriteError = errno
            } else {
                direction.counters.packetsWritten += 1
                direction.counters.bytesWritten += written
            }
            self.pool.release(buffer)
        }
    }

    private func discardInFlight(_ direction: ForwardingDirection) {
        for buffer in direction.schedule.removeAll() {
            self.capture?.record(self.pool.bytes(buffer), length: self.pool.length(buffer), direction: direction.captureDirection, fate: .lost(reason: "in flight when the lab stopped"), wallClockMicroseconds: PacketCapture.wallClockMicroseconds())
            self.pool.release(buffer)
        }
    }

    private func publish() {
        self.downstream.counters.link = self.downstream.schedule.model.counters
        self.downstream.counters.inFlight = self.downstream.schedule.count
        self.upstream.counters.link = self.upstream.schedule.model.counters
        self.upstream.counters.inFlight = self.upstream.schedule.count
        let downstream = self.downstream.counters
        let upstream = self.upstream.counters
        let iterations = self.iterations
        self.control.counters.withLock { counters in
            counters.downstream = downstream
            counters.upstream = upstream
            counters.loopIterations = iterations
        }
    }
}
#endif
