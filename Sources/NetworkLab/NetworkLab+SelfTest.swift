#if os(Linux)
import Glibc
import Synchronization

extension NetworkLab {
    /// Sends UDP echoes and one TCP bulk transfer from the client side to the server side, through the
    /// impaired link, and reports what arrived, how late, and what TCP had to resend.
    ///
    /// Uses sockets made in each namespace (``makeSocket(in:type:)``) and threads of this process; it
    /// talks only to the lab's two addresses. Bounded by `options.timeout` per phase.
    public func runSelfTest(_ options: LabSelfTestOptions = LabSelfTestOptions()) throws(NetworkLabError) -> LabSelfTestReport {
        guard options.pings > 0, options.tcpBytes >= 0, options.pingInterval > .zero else {
            throw NetworkLabError(.invalidArgument, "the self-test needs at least one ping, a positive interval and a byte count of zero or more")
        }
        var report = LabSelfTestReport()
        report.udp = try self.echoTest(options)
        if options.tcpBytes > 0 {
            report.tcp = try self.transferTest(options)
        }
        report.link = self.counters()
        return report
    }

    /// How long a reply may still take after the last request: twice the worst one-way delay the
    /// profile allows, plus slack.
    private func drainTime() -> Duration {
        let link = self.configuration.link
        let up = link.upstream.latency + link.upstream.jitter + link.upstream.reorderDelay
        let down = link.downstream.latency + link.downstream.jitter + link.downstream.reorderDelay
        return up + down + .milliseconds(500)
    }

    private func echoTest(_ options: LabSelfTestOptions) throws(NetworkLabError) -> LabUDPReport {
        let server = LabSocket(try self.makeSocket(in: .server, type: .udp))
        try server.bind(.server, port: options.udpPort)
        let client = LabSocket(try self.makeSocket(in: .client, type: .udp))
        try client.bind(.client, port: 0)
        try client.connect(.server, port: options.udpPort)

        // Nothing below throws until the thread is joined.
        let echo = EchoServer(fd: server.fd)
        let thread = LabThread(name: "lab-echo") { echo.serve() }

        var report = LabUDPReport()
        var seen = Set<UInt32>()
        var roundTrips: [Duration] = []
        var upstream: [Duration] = []
        var downstream: [Duration] = []
        var packet = [UInt8](repeating: 0, count: EchoServer.packetSize)
        let start = SystemCall.monotonicNow() + .milliseconds(10)
        let interval = options.pingInterval
        let duplicating = self.configuration.link.upstream.duplicate > 0 || self.configuration.link.downstream.duplicate > 0
        let giveUp = start + interval * options.pings + options.timeout
        var next = 0
        var lastSend = start
        while true {
            let now = SystemCall.monotonicNow()
            if next < options.pings, now >= start + interval * next {
                EchoServer.write(sequence: UInt32(next), sentAt: SystemCall.monotonicNanoseconds(), into: &packet)
                _ = packet.withUnsafeBytes { send(client.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                report.sent += 1
                next += 1
                lastSend = now
                continue
            }
            let deadline = next < options.pings ? start + interval * next : min(lastSend + self.drainTime(), giveUp)
            // Every reply in means done, unless copies may still be on their way.
            if next >= options.pings && (now >= deadline || (seen.count == report.sent && !duplicating)) { break }
            guard client.waitReadable(deadline - now) else { continue }
            while true {
                let count = packet.withUnsafeMutableBytes { recv(client.fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
                guard count == EchoServer.packetSize, let echoed = EchoServer.read(packet) else { break }
                let arrived = SystemCall.monotonicNanoseconds()
                guard seen.insert(echoed.sequence).inserted else {
                    report.duplicateReplies += 1
                    continue
                }
                roundTrips.append(.nanoseconds(Int64(arrived &- echoed.sentAt)))
                upstream.append(.nanoseconds(Int64(echoed.serverAt &- echoed.sentAt)))
                downstream.append(.nanoseconds(Int64(arrived &- echoed.serverAt)))
            }
        }
        let served = echo.finish(thread)
        report.reachedServer = served.distinct
        report.duplicates = served.duplicates
        report.repliesReceived = seen.count
        report.roundTrip = LabLatencySummary(roundTrips)
        report.upstream = LabLatencySummary(upstream)
        report.downstream = LabLatencySummary(downstream)
        return report
    }

    private func transferTest(_ options: LabSelfTestOptions) throws(NetworkLabError) -> LabTCPReport {
        let listener = LabSocket(try self.makeSocket(in: .server, type: .tcp))
        try listener.bind(.server, port: options.tcpPort)
        try listener.listen()
        let sink = TCPSink(listenerFd: listener.fd, timeout: options.timeout)
        let thread = LabThread(name: "lab-tcp-sink") { sink.serve() }
        let outcome: Result<LabTCPReport, NetworkLabError>
        do throws(NetworkLabError) {
            outcome = .success(try self.sendPayload(options))
        } catch {
            outcome = .failure(error)
        }
        // Wakes the sink if it still waits for a connection that will never come.
        _ = Glibc.shutdown(listener.fd, Int32(SHUT_RDWR))
        thread.join()
        return try outcome.get()
    }

    /// The client side of the transfer phase.
    private func sendPayload(_ options: LabSelfTestOptions) throws(NetworkLabError) -> LabTCPReport {
        let payload = Payload.bytes(count: options.tcpBytes, seed: options.payloadSeed)
        let expected = payload.withUnsafeBytes { Payload.fnv1a($0) }
        let before = try self.kernelCounters(of: .client)
        var report = LabTCPReport()
        let started = SystemCall.monotonicNow()
        let client = LabSocket(try self.makeSocket(in: .client, type: .tcp))
        client.setTimeouts(options.timeout)
        try client.connect(.server, port: options.tcpPort)
        let sent = payload.withUnsafeBytes { bytes in Result { () throws(NetworkLabError) in try client.sendAll(bytes) } }
        try sent.get()
        report.bytesSent = payload.count
        _ = Glibc.shutdown(client.fd, Int32(SHUT_WR))
        var reply = [UInt8](repeating: 0, count: 16)
        var got = 0
        while got < reply.count {
            let count = reply.withUnsafeMutableBytes { recv(client.fd, $0.baseAddress! + got, $0.count - got, 0) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw LabSocket.failure("reading the server side's confirmation") }
            got += count
        }
        report.duration = SystemCall.monotonicNow() - started
        if let info = client.tcpInfo() {
            report.retransmissions = Int(info.total_retransmissions)
            report.smoothedRoundTrip = .microseconds(Int64(info.rtt_us))
            report.retransmissionTimeout = .microseconds(Int64(info.rto_us))
        }
        let after = try self.kernelCounters(of: .client).subtracting(before)
        report.kernelRetransmittedSegments = after.tcpRetransmittedSegments ?? 0
        report.kernelTimeouts = after.tcpTimeouts ?? 0
        let (count, hash) = reply.withUnsafeBytes {
            ($0.loadUnaligned(fromByteOffset: 0, as: UInt64.self), $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        }
        report.bytesReceived = Int(UInt64(littleEndian: count))
        report.intact = report.bytesReceived == payload.count && UInt64(littleEndian: hash) == expected
        return report
    }
}

/// The server side of the echo phase: stamps each request with its arrival time and sends it back.
final class EchoServer: Sendable {
    static let packetSize = 64
    static let magic: UInt32 = 0x4E4C_4142

    let fd: Int32
    let stop = Atomic<Bool>(false)
    private let result = Mutex((distinct: 0, duplicates: 0))

    init(fd: Int32) {
        self.fd = fd
    }

    func serve() {
        var seen = Set<UInt32>()
        var duplicates = 0
        var packet = [UInt8](repeating: 0, count: Self.packetSize)
        var peer = sockaddr_storage()
        while !self.stop.load(ordering: .acquiring) {
            var entry = pollfd(fd: self.fd, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, 20) > 0 else { continue }
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let count = packet.withUnsafeMutableBytes { bytes in
                withUnsafeMutablePointer(to: &peer) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        recvfrom(self.fd, bytes.baseAddress, bytes.count, Int32(MSG_DONTWAIT), $0, &length)
                    }
                }
            }
            guard count == Self.packetSize, let request = Self.read(packet) else { continue }
            if !seen.insert(request.sequence).inserted { duplicates += 1 }
            let now = SystemCall.monotonicNanoseconds()
            packet.withUnsafeMutableBytes { $0.storeBytes(of: now.littleEndian, toByteOffset: 16, as: UInt64.self) }
            _ = packet.withUnsafeBytes { bytes in
                withUnsafePointer(to: &peer) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        sendto(self.fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL), $0, length)
                    }
                }
            }
        }
        self.result.withLock { $0 = (seen.count, duplicates) }
    }

    /// Stops and waits for the serving thread, and returns what it saw.
    func finish(_ thread: LabThread) -> (distinct: Int, duplicates: Int) {
        self.stop.store(true, ordering: .releasing)
        thread.join()
        return self.result.withLock { $0 }
    }

    static func write(sequence: UInt32, sentAt: UInt64, into packet: inout [UInt8]) {
        packet.withUnsafeMutableBytes { bytes in
            bytes.storeBytes(of: Self.magic.littleEndian, toByteOffset: 0, as: UInt32.self)
            bytes.storeBytes(of: sequence.littleEndian, toByteOffset: 4, as: UInt32.self)
            bytes.storeBytes(of: sentAt.littleEndian, toByteOffset: 8, as: UInt64.self)
            bytes.storeBytes(of: UInt64(0), toByteOffset: 16, as: UInt64.self)
        }
    }

    static func read(_ packet: [UInt8]) -> (sequence: UInt32, sentAt: UInt64, serverAt: UInt64)? {
        packet.withUnsafeBytes { bytes in
            guard UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt32.self)) == Self.magic else { return nil }
            return (
                UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4, as: UInt32.self)),
                UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
                UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
            )
        }
    }
}

/// The server side of the transfer phase: accepts one connection, reads to the end, and answers with
/// the byte count and FNV-1a hash of what arrived.
final class TCPSink: Sendable {
    let listenerFd: Int32
    let timeout: Duration

    init(listenerFd: Int32, timeout: Duration) {
        self.listenerFd = listenerFd
        self.timeout = timeout
    }

    func serve() {
        var entry = pollfd(fd: self.listenerFd, events: Int16(POLLIN), revents: 0)
        guard poll(&entry, 1, Int32(SystemCall.nanoseconds(self.timeout) / 1_000_000)) > 0 else { return }
        let fd = accept(self.listenerFd, nil, nil)
        guard fd >= 0 else { return }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        let connection = LabSocket(fd)
        connection.setTimeouts(self.timeout)
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var total: UInt64 = 0
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(connection.fd, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            total += UInt64(count)
            hash = buffer.withUnsafeBytes { Payload.fnv1a(UnsafeRawBufferPointer(rebasing: $0[0..<count]), continuing: hash) }
        }
        var reply = [UInt8](repeating: 0, count: 16)
        reply.withUnsafeMutableBytes {
            $0.storeBytes(of: total.littleEndian, toByteOffset: 0, as: UInt64.self)
            $0.storeBytes(of: hash.littleEndian, toByteOffset: 8, as: UInt64.self)
        }
        _ = reply.withUnsafeBytes { bytes in Result { () throws(NetworkLabError) in try connection.sendAll(bytes) } }
    }
}
#endif
