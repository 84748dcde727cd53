import NIOCore

/// The payload of a ``PacketType/disconnect`` packet: one reason byte.
public struct DisconnectMessage: Sendable, Hashable {
    /// Payload size in bytes.
    public static let size = 1

    /// Why a peer leaves. A struct rather than an enum so a reason added by a newer peer still decodes.
    public struct Reason: RawRepresentable, Sendable, Hashable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        /// No reason given.
        public static let unspecified = Reason(rawValue: 0)
        /// The player quit.
        public static let clientQuit = Reason(rawValue: 1)
        /// The match is over.
        public static let matchEnded = Reason(rawValue: 2)
        /// The server is shutting down.
        public static let serverShutdown = Reason(rawValue: 3)
        /// Nothing was heard from the peer for too long.
        public static let timedOut = Reason(rawValue: 4)
        /// The server removed the player.
        public static let kicked = Reason(rawValue: 5)
    }

    public var reason: Reason

    public init(reason: Reason) {
        self.reason = reason
    }

    /// The payload bytes.
    public func encoded() -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(reason.rawValue)
        return buffer
    }

    /// Decodes a payload, which must be exactly one byte.
    public static func decode(_ payload: ByteBuffer) throws(RealtimeDecodingError) -> DisconnectMessage {
        guard payload.readableBytes == size, let raw = payload.getInteger(at: payload.readerIndex, as: UInt8.self) else {
            throw .malformed("a disconnect payload is 1 byte, got \(payload.readableBytes)")
        }
        return DisconnectMessage(reason: Reason(rawValue: raw))
    }
}

extension DisconnectMessage.Reason {
    /// The reason's name as PROTOCOL.md spells it, for logs.
    public var name: String {
        switch self.rawValue {
        case 0: "unspecified"
        case 1: "clientQuit"
        case 2: "matchEnded"
        case 3: "serverShutdown"
        case 4: "timedOut"
        case 5: "kicked"
        default: "reason \(self.rawValue)"
        }
    }
}
