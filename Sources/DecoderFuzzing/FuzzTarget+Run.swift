import Foundation
import LinkEmulator
import NetcodeProtocol
import NIOCore

extension FuzzTarget {
    /// Feeds one input to this target's decoder. Errors the decoder throws for bad input are the expected
    /// outcome and are swallowed; only a broken promise throws.
    public func run(_ bytes: UnsafeRawBufferPointer) throws(FuzzInvariantError) {
        switch self {
        case .lobbyFrames: try Self.lobbyFrames(ByteBuffer(bytes: bytes))
        case .clientMessage: try Self.clientMessage(ByteBuffer(bytes: bytes))
        case .serverMessage: try Self.serverMessage(ByteBuffer(bytes: bytes))
        case .realtimeOpen: try Self.realtimeOpen(ByteBuffer(bytes: bytes))
        case .inputMessage: try Self.inputMessage(ByteBuffer(bytes: bytes))
        case .snapshot: try Self.snapshot(ByteBuffer(bytes: bytes))
        case .impairmentSpec: try Self.impairmentSpec(String(decoding: bytes, as: UTF8.self))
        case .networkFile: Self.networkFile(Data(bytes))
        }
    }

    /// ``run(_:)`` for an array.
    public func run(_ bytes: [UInt8]) throws(FuzzInvariantError) {
        let result: Result<Void, FuzzInvariantError> = bytes.withUnsafeBytes { pointer in
            do throws(FuzzInvariantError) { try self.run(pointer) } catch { return .failure(error) }
            return .success(())
        }
        try result.get()
    }

    /// The frame limit the server uses before login: small, so the fuzzer reaches the limit check often.
    static let fuzzFrameLimit = 1_024

    private static func lobbyFrames(_ stream: ByteBuffer) throws(FuzzInvariantError) {
        var stream = stream
        let decoder = LobbyFrameDecoder(maximumFrameSize: fuzzFrameLimit)
        while true {
            let before = stream.readableBytes
            guard let frame = try? decoder.nextFrame(from: &stream) else { return }
            guard frame.readableBytes > 0, frame.readableBytes <= fuzzFrameLimit, stream.readableBytes < before else {
                throw FuzzInvariantError(target: .lobbyFrames, what: "a frame of \(frame.readableBytes) bytes passed a limit of \(fuzzFrameLimit), or no progress")
            }
            try clientMessage(frame)
        }
    }

    private static func clientMessage(_ payload: ByteBuffer) throws(FuzzInvariantError) {
        guard let message = try? ClientMessage(decoding: payload) else { return }
        let again = try? ClientMessage(decoding: message.encoded())
        guard again == message else {
            throw FuzzInvariantError(target: .clientMessage, what: "\(message) decodes as \(String(describing: again)) after encoding")
        }
    }

    private static func serverMessage(_ payload: ByteBuffer) throws(FuzzInvariantError) {
        guard let message = try? ServerMessage(decoding: payload) else { return }
        let again = try? ServerMessage(decoding: message.encoded())
        guard again == message else {
            throw FuzzInvariantError(target: .serverMessage, what: "\(message) decodes as \(String(describing: again)) after encoding")
        }
    }

    private static func inputMessage(_ payload: ByteBuffer) throws(FuzzInvariantError) {
        guard let message = try? InputMessage.decode(payload) else { return }
        let again = try? InputMessage.decode(message.encoded())
        guard again == message else {
            throw FuzzInvariantError(target: .inputMessage, what: "\(message) decodes as \(String(describing: again)) after encoding")
        }
        _ = message.sequencedInputs
    }

    private static func snapshot(_ payload: ByteBuffer) throws(FuzzInvariantError) {
        _ = SnapshotCodec.peekTicks(payload, newestTick: FuzzSeeds.baselineState.tick)
        let baseline = FuzzSeeds.baselineState
        guard let message = try? SnapshotCodec.decode(payload, baseline: { $0 == baseline.tick ? baseline : nil }) else { return }
        // Whatever decoded is a state the sender could have sent: it encodes (full, and as a delta when
        // it was one) and decodes back to the same state.
        let base = message.baselineTick == nil ? nil : baseline
        guard message.state.hasUniqueIDs else { return }
        let encoded: ByteBuffer
        do throws(SnapshotEncodingError) {
            encoded = try SnapshotCodec.encode(message, baseline: base)
        } catch .payloadTooLarge where payload.readableBytes > RealtimePacket.maxPayloadSize {
            return // more than a packet carries: decodable, but no sender could have written it
        } catch {
            throw FuzzInvariantError(target: .snapshot, what: "a decoded snapshot of tick \(message.state.tick) does not encode")
        }
        let again = try? SnapshotCodec.decode(encoded, baseline: { $0 == baseline.tick ? baseline : nil })
        guard again?.state == message.state else {
            throw FuzzInvariantError(target: .snapshot, what: "tick \(message.state.tick) decodes differently after encoding")
        }
    }

    private static func realtimeOpen(_ datagram: ByteBuffer) throws(FuzzInvariantError) {
        _ = PacketHeader.parse(datagram)
        _ = PacketHeader.peekSessionID(datagram)
        var server = RealtimeConnection(sessionID: FuzzSeeds.sessionID, keyBytes: FuzzSeeds.sessionKey)
        if case .accepted = server.open(datagram, now: 1_000) {
            // Only the seeds, sealed with the key, may pass; a mutation of them must not.
            guard FuzzSeeds.sealedPackets.contains(Array(datagram.readableBytesView)) else {
                throw FuzzInvariantError(target: .realtimeOpen, what: "an unsealed datagram of \(datagram.readableBytes) bytes was accepted")
            }
        }
        // The same bytes as type and payload of a packet the peer really sealed: past the tag.
        var rest = datagram
        guard let rawType = rest.readInteger(as: UInt8.self), let type = PacketType(rawValue: rawType % 8) else { return }
        let payload = rest.readSlice(length: min(rest.readableBytes, RealtimePacket.maxPayloadSize)) ?? ByteBuffer()
        var peer = RealtimeConnection(sessionID: FuzzSeeds.sessionID, keyBytes: FuzzSeeds.sessionKey)
        var receiver = RealtimeConnection(sessionID: FuzzSeeds.sessionID, keyBytes: FuzzSeeds.sessionKey)
        let sealed = peer.seal(type: type, payload: payload, now: 500)
        switch receiver.open(sealed, now: 2_000) {
        case .accepted(let openedType, let openedPayload, _):
            guard openedType == type, openedPayload == payload else {
                throw FuzzInvariantError(target: .realtimeOpen, what: "a sealed \(type) packet opened as \(openedType) with other bytes")
            }
            switch type {
            case .input: try inputMessage(openedPayload)
            case .snapshot: try snapshot(openedPayload)
            case .disconnect: _ = try? DisconnectMessage.decode(openedPayload)
            case .challenge, .response: _ = try? PathChallenge.decode(openedPayload)
            case .keepalive: break
            }
        case .dropped(let reason):
            // A sealed packet is dropped only for a payload of the wrong size for its type.
            guard reason == .malformedPayload else {
                throw FuzzInvariantError(target: .realtimeOpen, what: "a sealed \(type) packet was dropped: \(reason)")
            }
        }
    }

    private static func impairmentSpec(_ spec: String) throws(FuzzInvariantError) {
        guard let profile = try? ImpairmentProfile.parse(spec) else { return }
        // What parses prints as a spec that parses again.
        guard (try? ImpairmentProfile.parse(profile.description)) != nil else {
            throw FuzzInvariantError(target: .impairmentSpec, what: "\"\(spec)\" parses but its description \"\(profile.description)\" does not")
        }
    }

    private static func networkFile(_ data: Data) {
        guard let profile = try? LinkProfile.load(fromJSON: data) else { return }
        _ = try? profile.jsonData()
    }
}
