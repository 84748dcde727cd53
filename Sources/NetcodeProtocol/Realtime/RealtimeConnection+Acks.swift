extension RealtimeConnection {
    /// Applies a peer's ack and ack bits to the packets we sent.
    ///
    /// RTT is sampled only from the packet named in the `ack` field, and only on its first ack: a packet
    /// first acked through the ack bits waited for a later peer packet, which would inflate the sample.
    ///
    /// - Returns: our extended sequences acked for the first time, ascending.
    mutating func processAcks(ack: UInt16, ackBits: UInt32, now: UInt64) -> AckedSequences {
        guard nextSequence > 0, let acked = SequenceNumber.latest(ack, notAfter: nextSequence - 1) else {
            return []
        }
        var newlyAcked = AckedSequences()
        // Only bits not already known to be acked can ack anything new: in a steady stream that is one
        // bit of the 33, so the log is touched once per packet instead of 33 times.
        let frame = max(acked, newestAckFromPeer ?? acked)
        let incoming = Self.shifted((UInt64(ackBits) << 1) | 1, by: frame - acked)
        let known = newestAckFromPeer.map { Self.shifted(knownAckedMask, by: frame - $0) } ?? 0
        var fresh = incoming & ~known
        knownAckedMask = known | incoming
        while fresh != 0 {
            let age = UInt64(63 - fresh.leadingZeroBitCount)  // oldest first
            fresh &= ~(1 << age)
            // Bits reaching below sequence 0 name nothing; `acked` itself is handled below (RTT).
            guard age <= frame, frame - age != acked else { continue }
            let sequence = frame - age
            if markAcked(sequence) != nil { newlyAcked.insert(sequence) }
        }
        if let entry = markAcked(acked) {
            newlyAcked.insert(acked)
            if now >= entry.sentAt { addRTTSample(now - entry.sentAt) }
        }
        if newestAckFromPeer.map({ acked > $0 }) ?? true {
            newestAckFromPeer = acked
            settle(below: acked >= 32 ? acked - 32 : 0)
        }
        return newlyAcked
    }

    /// `mask` moved `distance` sequences older (bits past 63 fall out).
    private static func shifted(_ mask: UInt64, by distance: UInt64) -> UInt64 {
        distance >= 64 ? 0 : mask << distance
    }

    private mutating func markAcked(_ sequence: UInt64) -> SentPacketLog.Entry? {
        guard let entry = sent.markAcked(sequence) else { return nil }
        stats.packetsAcked += 1
        if sequence < settledBelow {
            // Settled as lost, but a reordered peer packet still acked it: it was delivered after all.
            stats.packetsLostLocalToRemote -= 1
            stats.packetsDeliveredLocalToRemote += 1
        }
        return entry
    }

    /// Settles our packets below `limit`: the peer's ack bits reach back only 32 packets from its
    /// newest, so a packet below that which is still unacked will (almost surely) never be acked.
    private mutating func settle(below limit: UInt64) {
        while settledBelow < limit {
            if sent.entry(settledBelow)?.acked == true {
                stats.packetsDeliveredLocalToRemote += 1
            } else {
                stats.packetsLostLocalToRemote += 1
            }
            settledBelow += 1
        }
    }

    private mutating func addRTTSample(_ sample: UInt64) {
        rtt.add(sample: sample)
        stats.latestRTT = rtt.latest
        stats.smoothedRTT = rtt.smoothed.map { UInt64($0.rounded()) }
        stats.rttVariation = rtt.variation.map { UInt64($0.rounded()) }
    }
}
