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
///      0    4 tick
///      4    4 send time: low 32 bits of the server clock in microseconds
///      8    4 newest input sequence processed for this client (0 = none)
///     12    1 baseline offset: 0 = full snapshot; k > 0 = delta against tick (tick - k)
///     13    . body: full or delta, see SnapshotCodec+Full.swift and SnapshotCodec+DeltaEncoding.swift
/// ```
/// A payload with bytes left after the body is malformed.
public enum SnapshotCodec {
    public static let headerSize = 13

    /// Encodes `message`, as a delta against `baseline` when one is given whose tick is 1...255 ticks
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
            if distance >= 1, distance <= 255, baseline.hasUniqueIDs {
                // A baseline no encoder could have written cannot be the base of a delta either.
                if baseline.players.count > 255 { throw .tooManyEntries(baseline.players.count) }
                if baseline.coins.count > 255 { throw .tooManyEntries(baseline.coins.count) }
                delta = baseline
            }
        }
        // The most any field combination can take; the body is written into that reservation at once.
        let bound = headerSize + 4 + 9 * state.players.count + 6 * state.coins.count
            + (delta.map { $0.players.count + 2 * $0.coins.count } ?? 0)
        let start = buffer.writerIndex
        let size = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { memory in
            var writer = SnapshotWriter(memory)
            writer.write(state.tick)
            writer.write(message.sendTimeMicrosLow)
            writer.write(message.lastProcessedInput)
            if let delta {
                writer.write(UInt8(truncatingIfNeeded: state.tick &- delta.tick))
                writeDelta(state, against: delta, to: &writer)
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

    /// The tick a payload carries and the baseline tick it needs (`nil` for a full snapshot), read
    /// without decoding the body; `nil` if the payload is shorter than the snapshot header.
    public static func peekTicks(_ payload: ByteBuffer) -> (tick: UInt32, baselineTick: UInt32?)? {
        guard
            let tick = payload.getInteger(at: payload.readerIndex, as: UInt32.self),
            let offset = payload.getInteger(at: payload.readerIndex + 12, as: UInt8.self)
        else { return nil }
        return (tick, offset == 0 ? nil : tick &- UInt32(offset))
    }

    /// Decodes a payload.
    ///
    /// - Parameter baseline: looks up a state the receiver kept, by tick; asked only for delta snapshots.
    /// - Throws: ``RealtimeDecodingError/missingBaseline(tick:)`` when the baseline is not available,
    ///   ``RealtimeDecodingError/malformed(_:)`` when the bytes break the layout. Never traps.
    public static func decode(
        _ payload: ByteBuffer,
        baseline: (UInt32) -> SnapshotState?
    ) throws(RealtimeDecodingError) -> SnapshotMessage {
        var buffer = payload
        guard
            let tick = buffer.readInteger(as: UInt32.self),
            let sendTime = buffer.readInteger(as: UInt32.self),
            let lastInput = buffer.readInteger(as: UInt32.self),
            let offset = buffer.readInteger(as: UInt8.self)
        else { throw .malformed("a snapshot starts with \(headerSize) bytes, got \(payload.readableBytes)") }

        let state: SnapshotState
        var baselineTick: UInt32?
        if offset == 0 {
            state = try readFull(tick: tick, from: &buffer)
        } else {
            let wanted = tick &- UInt32(offset)
            guard let base = baseline(wanted), base.tick == wanted else { throw .missingBaseline(tick: wanted) }
            state = try readDelta(tick: tick, against: base, from: &buffer)
            baselineTick = wanted
        }
        guard buffer.readableBytes == 0 else {
            throw .malformed("\(buffer.readableBytes) bytes left after the snapshot body")
        }
        return SnapshotMessage(state: state, sendTimeMicrosLow: sendTime, lastProcessedInput: lastInput, baselineTick: baselineTick)
    }
}
