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
        for bit in stride(from: 31, through: 0, by: -1) where (ackBits >> UInt32(bit)) & 1 == 1 {
            let distance = UInt64(bit) + 1
            guard acked >= distance else { continue }
            if markAcked(acked - distance) != nil { newlyAcked.insert(acked - distance) }
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
