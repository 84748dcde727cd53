import NIOCore

/// Why a frame's payload could not be decoded into a message.
public enum LobbyDecodingError: Error, Equatable, CustomStringConvertible {
    case unknownMessageType(UInt8)
    case truncated(field: String)
    case invalidValue(field: String)
    case trailingBytes(count: Int)
    /// A whole, well-framed message whose enumerated field (a bool, a transport) holds a value the field
    /// does not define. The message is refused, not the connection: the server answers
    /// `invalidArgument` and reads on (PROTOCOL.md 1.2).
    case outOfRange(field: String, value: UInt64)

    public var description: String {
        switch self {
        case .unknownMessageType(let type): return "unknown message type 0x\(String(type, radix: 16))"
        case .truncated(let field): return "message ends before field '\(field)'"
        case .invalidValue(let field): return "invalid value in field '\(field)'"
        case .trailingBytes(let count): return "\(count) unexpected bytes after the message"
        case .outOfRange(let field, let value): return "\(value) is not a value of field '\(field)'"
        }
    }
}

/// Field readers that name the field in their error, so a malformed frame is reported precisely.
extension ByteBuffer {
    mutating func readLobbyInteger<T: FixedWidthInteger>(_ field: String, as: T.Type = T.self) throws -> T {
        guard let value = self.readInteger(as: T.self) else { throw LobbyDecodingError.truncated(field: field) }
        return value
    }

    /// A string: u16 big-endian byte count, then that many bytes of UTF-8.
    mutating func readLobbyString(_ field: String) throws -> String {
        let length: UInt16 = try self.readLobbyInteger(field)
        guard let bytes = self.readBytes(length: Int(length)) else { throw LobbyDecodingError.truncated(field: field) }
        guard let string = String(validating: bytes, as: UTF8.self) else {
            throw LobbyDecodingError.invalidValue(field: field)
        }
        return string
    }

    mutating func readLobbyBool(_ field: String) throws -> Bool {
        switch try self.readLobbyInteger(field, as: UInt8.self) {
        case 0: return false
        case 1: return true
        default: throw LobbyDecodingError.invalidValue(field: field)
        }
    }

    mutating func readLobbyTransport(_ field: String) throws -> UpdateTransport {
        guard let transport = UpdateTransport(rawValue: try self.readLobbyInteger(field)) else {
            throw LobbyDecodingError.invalidValue(field: field)
        }
        return transport
    }

    /// Writes a string with its u16 length. Longer strings are cut at a character boundary below 65,535
    /// bytes; the lobby's own limits are far below that.
    @discardableResult
    mutating func writeLobbyString(_ string: String) -> Int {
        var utf8 = Array(string.utf8)
        if utf8.count > Int(UInt16.max) {
            utf8 = Array(String(decoding: utf8.prefix(Int(UInt16.max) - 3), as: UTF8.self).utf8)
        }
        return self.writeInteger(UInt16(utf8.count)) + self.writeBytes(utf8)
    }

    mutating func writeLobbyBool(_ value: Bool) {
        self.writeInteger(value ? 1 as UInt8 : 0)
    }

    func expectFullyRead() throws {
        if self.readableBytes > 0 { throw LobbyDecodingError.trailingBytes(count: self.readableBytes) }
    }
}
