import NIOCore

/// Why a snapshot could not be encoded. These are limits of the wire format, hit only by a world far
/// larger than the game's.
public enum SnapshotEncodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Two players or two coins share an id.
    case duplicateIDs
    /// More than 255 players or coins in one list.
    case tooManyEntries(Int)
    /// The encoded payload exceeds ``RealtimePacket/maxPayloadSize``.
    case payloadTooLarge(Int)

    public var description: String {
        switch self {
        case .duplicateIDs: return "a snapshot has two players or two coins with the same id"
        case .tooManyEntries(let count): return "a snapshot list holds at most 255 entries, got \(count)"
        case .payloadTooLarge(let size):
            return "snapshot payload of \(size) bytes exceeds \(RealtimePacket.maxPayloadSize); send fewer entities"
        }
    }
}

/// Encodes and decodes ``SnapshotMessage`` payloads.
///
/// ```
/// offset size field
///      0    2 tick: its low 16 bits
///      2    4 send time: low 32 bits of the server clock in microseconds
///      6    2 newest input sequence processed for this client: its low 16 bits (0 = none)
///      8    1 base: bits 0-5 baseline offset (0 = full snapshot; k > 0 = delta against tick - k);
///             in a delta, bit 6 = a removed-player list follows the changed players and bit 7 = the
///             coin lists follow; in a full snapshot, bits 6-7 are zero
///      9    . body: full or delta, see SnapshotCodec+Full.swift and SnapshotCodec+DeltaEncoding.swift
/// ```
/// A payload with bytes left after the body is malformed. The receiver restores the full tick from the
/// newest tick it has decoded and the full input sequence from the newest input it has sent
/// (``restoreTick(_:near:)``, ``restoreInput(_:newestSent:)``).
public enum SnapshotCodec {
    public static let headerSize = 9
    /// The largest baseline offset the base byte can carry.
    public static let maxBaselineOffset: UInt32 = 63
    static let offsetMask: UInt8 = 0x3F
    static let removedPlayersBit: UInt8 = 0x40
    static let coinsBit: UInt8 = 0x80

    /// Encodes `message`, as a delta against `baseline` when one is given whose tick is 1...63 ticks
    /// before the message's, else in full.
    public static func encode(_ message: SnapshotMessage, baseline: SnapshotState?) throws(SnapshotEncodingError) -> ByteBuffer {
        var buffer = ByteBuffer()
        try encode(message, baseline: baseline, into: &buffer)
        return buffer
    }

    /// Appends the encoded snapshot to `buffer` (at its writer index), as ``encode(_:baseline:)`` would
    /// return it. On a throw, `buffer` is left as it was.
    public static func encode(_ message: SnapshotMessage, baseline: SnapshotState?, into buffer: inout ByteBuffer) throws(SnapshotEncodingError) {
        let state = message.state
        guard state.hasUniqueIDs else { throw .duplicateIDs }
        if state.players.count > 255 { throw .tooManyEntries(state.players.count) }
        if state.coins.count > 255 { throw .tooManyEntries(state.coins.count) }
        var delta: SnapshotState?
        if let baseline {
            let distance = state.tick &- baseline.tick
            if distance >= 1, distance <= maxBaselineOffset, baseline.hasUniqueIDs {
                // A baseline no encoder could have written cannot be the base of a delta either.
                if baseline.players.count > 255 { throw .tooManyEntries(baseline.players.count) }
                if baseline.coins.count > 255 { throw .tooManyEntries(baseline.coins.count) }
                delta = baseline
            }
        }
        // The most any field combination can take; the body is written into that reservation at once.
        let bound = headerSize + 4 + 10 * state.players.count + 6 * state.coins.count
            + (delta.map { $0.players.count + 2 * $0.coins.count } ?? 0)
        let start = buffer.writerIndex
        let size = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { memory in
            var writer = SnapshotWriter(memory)
            writer.write(UInt16(truncatingIfNeeded: state.tick))
            writer.write(message.sendTimeMicrosLow)
            writer.write(UInt16(truncatingIfNeeded: message.lastProcessedInput))
            if let delta {
                let baseAt = writer.offset
                writer.write(UInt8(0))
                let sections = writeDelta(state, against: delta, to: &writer)
                writer.patch(UInt8(truncatingIfNeeded: state.tick &- delta.tick) | sections, at: baseAt)
            } else {
                writer.write(UInt8(0))
                writeFull(state, to: &writer)
            }
            return writer.offset
        }
        guard size <= RealtimePacket.maxPayloadSize else {
            buffer.moveWriterIndex(to: start)
            throw .payloadTooLarge(size)
        }
    }

    /// The full tick whose low 16 bits are `wire`, nearest to `reference` (the newest tick decoded so
    /// far), as sequences are restored; the wire value itself before any reference.
    public static func restoreTick(_ wire: UInt16, near reference: UInt32?) -> UInt32 {
        guard let reference else { return UInt32(wire) }
        let anchor = Int64(reference)
        var candidate = (anchor & ~0xFFFF) | Int64(wire)
        if candidate - anchor > 0x8000 { candidate -= 0x1_0000 } else if anchor - candidate > 0x8000 { candidate += 0x1_0000 }
        if candidate < 0 { candidate += 0x1_0000 }
        if candidate > Int64(UInt32.max) { candidate -= 0x1_0000 }
        return UInt32(candidate)
    }

    /// The full input sequence whose low 16 bits are `wire`: the latest not after `newestSent` (the
    /// server cannot have processed an input the client has not sent); the wire value itself before
    /// the client has sent any.
    public static func restoreInput(_ wire: UInt16, newestSent: UInt32?) -> UInt32 {
        guard let newestSent else { return UInt32(wire) }
        let back = UInt32(UInt16(truncatingIfNeeded: newestSent) &- wire)
        return back <= newestSent ? newestSent - back : UInt32(wire)
    }

    /// The tick a payload carries and the baseline tick it needs (`nil` for a full snapshot), read
    /// without decoding the body; `nil` if the payload is shorter than the snapshot header.
    public static func peekTicks(_ payload: ByteBuffer, newestTick: UInt32?) -> (tick: UInt32, baselineTick: UInt32?)? {
        guard
            let wire = payload.getInteger(at: payload.readerIndex, as: UInt16.self),
            let base = payload.getInteger(at: payload.readerIndex + 8, as: UInt8.self)
        else { return nil }
        let tick = restoreTick(wire, near: newestTick)
        let offset = base & offsetMask
        return (tick, offset == 0 ? nil : tick &- UInt32(offset))
    }

    /// Decodes a payload.
    ///
    /// - Parameters:
    ///   - newestTick: the newest tick this receiver has decoded, to restore the full tick from its low
    ///     16 bits; `nil` before the first.
    ///   - newestInputSent: the newest input sequence this client has sent, to restore the processed
    ///     input's full sequence; `nil` if it has sent none.
    ///   - baseline: looks up a state the receiver kept, by full tick; asked only for delta snapshots.
    /// - Throws: ``RealtimeDecodingError/missingBaseline(tick:)`` when the baseline is not available,
    ///   ``RealtimeDecodingError/malformed(_:)`` when the bytes break the layout. Never traps.
    public static func decode(
        _ payload: ByteBuffer,
        newestTick: UInt32? = nil,
        newestInputSent: UInt32? = nil,
        baseline: (UInt32) -> SnapshotState?
    ) throws(RealtimeDecodingError) -> SnapshotMessage {
        var buffer = payload
        guard
            let wireTick = buffer.readInteger(as: UInt16.self),
            let sendTime = buffer.readInteger(as: UInt32.self),
            let wireInput = buffer.readInteger(as: UInt16.self),
            let base = buffer.readInteger(as: UInt8.self)
        else { throw .malformed("a snapshot starts with \(headerSize) bytes, got \(payload.readableBytes)") }
        let tick = restoreTick(wireTick, near: newestTick)
        let offset = base & offsetMask

        let state: SnapshotState
        var baselineTick: UInt32?
        if offset == 0 {
            guard base == 0 else { throw .malformed("a full snapshot has no section bits, got base byte \(base)") }
            state = try readFull(tick: tick, from: &buffer)
        } else {
            let wanted = tick &- UInt32(offset)
            guard let kept = baseline(wanted), kept.tick == wanted else { throw .missingBaseline(tick: wanted) }
            state = try readDelta(
                tick: tick,
                against: kept,
                removedPlayers: base & removedPlayersBit != 0,
                coins: base & coinsBit != 0,
                from: &buffer
            )
            baselineTick = wanted
        }
        guard buffer.readableBytes == 0 else {
            throw .malformed("\(buffer.readableBytes) bytes left after the snapshot body")
        }
        return SnapshotMessage(
            state: state,
            sendTimeMicrosLow: sendTime,
            lastProcessedInput: restoreInput(wireInput, newestSent: newestInputSent),
            baselineTick: baselineTick
        )
    }
}
