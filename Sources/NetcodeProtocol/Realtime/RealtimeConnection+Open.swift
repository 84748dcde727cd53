import NIOCore

extension RealtimeConnection {
    /// Checks, authenticates and accepts one datagram.
    ///
    /// In order: size, version and type (``PacketHeader/parse(_:)``); session id; the tag, over
    /// the extended sequence reconstructed from the wire value; the replay window; the payload length
    /// of keepalive (0) and disconnect (1) packets. Only a packet passing all of these changes state:
    /// the replay window, acks of our packets, RTT and the counters. Never traps on any input.
    public mutating func open(_ datagram: ByteBuffer, now: UInt64) -> OpenResult {
        let header: PacketHeader
        switch PacketHeader.parse(datagram) {
        case .success(let parsed): header = parsed
        case .failure(let reason): return drop(reason)
        }
        guard header.sessionID == sessionID else { return drop(.unknownSession) }

        let sequence = SequenceNumber.extend(header.sequence, relativeTo: received.highest)
        let authenticatedLength = datagram.readableBytes - RealtimePacket.tagSize
        guard
            let authenticated = datagram.getSlice(at: datagram.readerIndex, length: authenticatedLength),
            let tag = datagram.getSlice(at: datagram.readerIndex + authenticatedLength, length: RealtimePacket.tagSize),
            authenticator.isValid(
                tag: tag.readableBytesView,
                extendedSequence: sequence,
                authenticated: authenticated.readableBytesView
            )
        else { return drop(.badTag) }

        let isNewest: Bool
        switch received.check(sequence) {
        case .fresh(let newest): isNewest = newest
        case .replayed: return drop(.replayed)
        case .tooOld: return drop(.tooOld)
        }

        let payloadLength = authenticatedLength - RealtimePacket.headerSize
        switch header.type {
        case .keepalive where payloadLength != 0: return drop(.malformedPayload)
        case .disconnect where payloadLength != DisconnectMessage.size: return drop(.malformedPayload)
        case .challenge where payloadLength != PathChallenge.size, .response where payloadLength != PathChallenge.size:
            return drop(.malformedPayload)
        default: break
        }
        let payload = authenticated.getSlice(
            at: authenticated.readerIndex + RealtimePacket.headerSize,
            length: payloadLength
        ) ?? ByteBuffer()

        if isNewest { settleReceived(below: sequence >= 32 ? sequence - 32 : 0) }
        received.accept(sequence)
        if !isNewest { stats.outOfOrder += 1 }
        stats.packetsReceived += 1
        stats.bytesReceived += UInt64(datagram.readableBytes)
        stats.remotePacketsExpected = (received.highest ?? 0) + 1
        lastReceivedAt = now

        let newlyAcked = processAcks(ack: header.ack, ackBits: header.ackBits, now: now)
        return .accepted(header.type, payload: payload, newlyAcked: newlyAcked)
    }

    /// ``open(_:now:)``, also saying whether an accepted packet was the newest from the peer so far
    /// (what a server needs to follow a client to a new address). One mutating call, so a caller that
    /// keeps the connection in a class property never copies it to read a field.
    public mutating func openNoting(_ datagram: ByteBuffer, now: UInt64) -> (result: OpenResult, newest: Bool) {
        let before = received.highest
        let result = open(datagram, now: now)
        return (result, received.highest != before)
    }

    /// Settles the peer's sequences below `limit`, which are leaving our ack window (the newest accepted
    /// and the 32 before it): one accepted while in the window was delivered, any other is lost, since
    /// our acks can no longer name it. Call before accepting the new highest, while the replay window
    /// still covers them; at most 33 are looked up, the rest (above the old highest) were never received.
    private mutating func settleReceived(below limit: UInt64) {
        var next = remoteSettledBelow
        guard next < limit else { return }
        if let highest = received.highest {
            let known = Swift.min(limit, highest + 1)
            while next < known {
                if received.contains(age: highest - next) {
                    stats.packetsDeliveredRemoteToLocal += 1
                } else {
                    stats.packetsLostRemoteToLocal += 1
                }
                next += 1
            }
        }
        if next < limit { stats.packetsLostRemoteToLocal += limit - next }
        remoteSettledBelow = limit
    }

    private mutating func drop(_ reason: DropReason) -> OpenResult {
        stats.drops.record(reason)
        return .dropped(reason)
    }
}
