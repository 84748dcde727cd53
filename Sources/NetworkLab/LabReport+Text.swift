import LinkEmulator

/// Short human-readable lines for the lab's reports, as `netcode lab` prints them.
extension LabSelfTestReport {
    public var summaryLines: [String] {
        var lines: [String] = []
        let udp = self.udp
        lines.append(
            "udp: \(udp.sent) echo requests, \(udp.reachedServer) reached the server (loss \(Self.percent(udp.upstreamLoss))), "
                + "\(udp.repliesReceived) replies came back (loss \(Self.percent(udp.downstreamLoss))), "
                + "\(udp.duplicates) duplicate requests, \(udp.duplicateReplies) duplicate replies"
        )
        if let rtt = udp.roundTrip {
            lines.append(
                "udp: round trip min \(Self.ms(rtt.minimum)) p50 \(Self.ms(rtt.median)) p99 \(Self.ms(rtt.p99)) max \(Self.ms(rtt.maximum))"
            )
        }
        if let up = udp.upstream, let down = udp.downstream {
            lines.append("udp: one way p50 up \(Self.ms(up.median)), down \(Self.ms(down.median))")
        }
        let tcp = self.tcp
        if tcp.bytesSent > 0 {
            lines.append(
                "tcp: \(tcp.bytesReceived) of \(tcp.bytesSent) bytes in \(Self.ms(tcp.duration)) "
                    + "(\(Self.rate(tcp.bytesPerSecond))), \(tcp.intact ? "intact" : "NOT INTACT")"
            )
            lines.append(
                "tcp: sender retransmitted \(tcp.retransmissions) segments (kernel RetransSegs \(tcp.kernelRetransmittedSegments), "
                    + "timeouts \(tcp.kernelTimeouts)); srtt \(Self.ms(tcp.smoothedRoundTrip)), rto \(Self.ms(tcp.retransmissionTimeout))"
            )
        }
        lines.append(contentsOf: self.link.summaryLines)
        return lines
    }

    static func percent(_ fraction: Double) -> String {
        let tenths = (fraction * 1000).rounded()
        return "\(tenths / 10)%"
    }

    static func ms(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let hundredths = (Double(seconds) * 1000 + Double(attoseconds) * 1e-15) * 100
        return "\(hundredths.rounded() / 100) ms"
    }

    static func rate(_ bytesPerSecond: Double) -> String {
        if bytesPerSecond >= 1_000_000 { return "\((bytesPerSecond / 10_000).rounded() / 100) MB/s" }
        return "\((bytesPerSecond / 10).rounded() / 100) kB/s"
    }
}

extension LabCounters {
    public var summaryLines: [String] {
        [("upstream", self.upstream), ("downstream", self.downstream)].map { name, counters in
            var parts = [
                "\(counters.packetsRead) packets in (\(counters.tcpPackets) tcp, \(counters.udpPackets) udp)",
                "\(counters.packetsWritten) out",
                "dropped \(counters.link.droppedRandom) random + \(counters.link.droppedBurst) burst + \(counters.link.droppedQueue) queue",
                "\(counters.link.duplicated) duplicated",
                "\(counters.link.reordered) reordered",
            ]
            if counters.inFlight > 0 { parts.append("\(counters.inFlight) still in flight") }
            if counters.droppedNoBuffer > 0 { parts.append("\(counters.droppedNoBuffer) without a buffer") }
            if counters.writeFailures > 0 { parts.append("\(counters.writeFailures) failed writes (errno \(counters.lastWriteError))") }
            if let drops = counters.kernelQueueDrops, drops > 0 { parts.append("\(drops) dropped by the kernel at the TUN queue") }
            if counters.lateDeliveries > 0 {
                parts.append("\(counters.lateDeliveries) delivered over 1 ms late (worst \(LabSelfTestReport.ms(counters.maximumLateness)))")
            }
            return "link \(name): " + parts.joined(separator: ", ")
        }
    }
}

extension LabForwardingReport {
    public var summaryLines: [String] {
        [
            "bench: \(self.sent) datagrams sent in \(LabSelfTestReport.ms(self.duration)); emulator read \(self.read), "
                + "forwarded \(self.forwarded) (\(Int(self.forwardedPerSecond.rounded())) packets/s); receiver got \(self.received)",
            "bench: kernel dropped \(self.kernelQueueDrops) at the TUN queue, \(self.droppedNoBuffer) without a buffer, "
                + "\(self.droppedByModel) by the link model; \(self.lateDeliveries) delivered over 1 ms late "
                + "(worst \(LabSelfTestReport.ms(self.maximumLateness)))",
        ]
    }
}

extension LabConfiguration {
    /// One line: both directions' impairment, the seed and the minimum RTO.
    public var summary: String {
        let link = self.link
        let impairment = link.upstream == link.downstream
            ? "link \(link.upstream) each way"
            : "upstream \(link.upstream), downstream \(link.downstream)"
        let rto = self.tcpMinimumRetransmissionTimeout.map { "tcp_rto_min \(ImpairmentProfile.formatDuration($0))" } ?? "kernel's TCP minimum RTO"
        let mtu = self.mtu == 1500 ? "" : "; MTU \(self.mtu)"
        let capture = self.capturePath.map { "; packets to \($0)" } ?? ""
        return "\(impairment); seed \(self.seed); \(rto)\(mtu)\(capture)"
    }
}
