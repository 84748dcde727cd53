import NIOCore

extension ClientMessage {
    /// Decodes one frame's payload (type byte first). The whole payload must be consumed.
    public init(decoding payload: ByteBuffer) throws {
        var buffer = payload
        let rawType: UInt8 = try buffer.readLobbyInteger("type")
        guard let type = LobbyMessageType(rawValue: rawType) else {
            throw LobbyDecodingError.unknownMessageType(rawType)
        }
        switch type {
        case .hello:
            self = .hello(version: try buffer.readLobbyInteger("version"), client: try buffer.readLobbyString("client"))
        case .register:
            self = .register(name: try buffer.readLobbyString("name"), password: try buffer.readLobbyString("password"))
        case .login:
            self = .login(name: try buffer.readLobbyString("name"), password: try buffer.readLobbyString("password"))
        case .logout:
            self = .logout
        case .listRooms:
            // The page's start is optional: a bare listRooms asks for the first page.
            self = buffer.readableBytes == 0 ? .listRooms : .listRoomsAfter(try buffer.readLobbyInteger("after"))
        case .createRoom:
            let name = try buffer.readLobbyString("name")
            let maxPlayers: UInt8 = try buffer.readLobbyInteger("maxPlayers")
            let rawTransport: UInt8 = try buffer.readLobbyInteger("transport")
            let transport: UpdateTransport?
            if rawTransport == 0 {
                transport = nil
            } else if let chosen = UpdateTransport(rawValue: rawTransport) {
                transport = chosen
            } else {
                try buffer.expectFullyRead()
                throw LobbyDecodingError.outOfRange(field: "transport", value: UInt64(rawTransport))
            }
            self = .createRoom(name: name, maxPlayers: maxPlayers, transport: transport)
        case .joinRoom:
            self = .joinRoom(id: try buffer.readLobbyInteger("roomID"))
        case .leaveRoom:
            self = .leaveRoom
        case .chat:
            self = .chat(text: try buffer.readLobbyString("text"))
        case .setReady:
            let raw: UInt8 = try buffer.readLobbyInteger("ready")
            guard raw <= 1 else {
                try buffer.expectFullyRead()
                throw LobbyDecodingError.outOfRange(field: "ready", value: UInt64(raw))
            }
            self = .setReady(raw == 1)
        case .ping:
            self = .ping(nonce: try buffer.readLobbyInteger("nonce"))
        case .clientRealtime:
            self = .realtime(buffer.readSlice(length: buffer.readableBytes)!)
        default:
            throw LobbyDecodingError.unknownMessageType(rawType)
        }
        try buffer.expectFullyRead()
    }

    /// Appends this message's payload (type byte first, no length prefix) to `buffer`.
    public func encode(into buffer: inout ByteBuffer) {
        switch self {
        case .hello(let version, let client):
            buffer.writeInteger(LobbyMessageType.hello.rawValue)
            buffer.writeInteger(version)
            buffer.writeLobbyString(client)
        case .register(let name, let password):
            buffer.writeInteger(LobbyMessageType.register.rawValue)
            buffer.writeLobbyString(name)
            buffer.writeLobbyString(password)
        case .login(let name, let password):
            buffer.writeInteger(LobbyMessageType.login.rawValue)
            buffer.writeLobbyString(name)
            buffer.writeLobbyString(password)
        case .logout:
            buffer.writeInteger(LobbyMessageType.logout.rawValue)
        case .listRooms:
            buffer.writeInteger(LobbyMessageType.listRooms.rawValue)
        case .listRoomsAfter(let after):
            buffer.writeInteger(LobbyMessageType.listRooms.rawValue)
            buffer.writeInteger(after)
        case .createRoom(let name, let maxPlayers, let transport):
            buffer.writeInteger(LobbyMessageType.createRoom.rawValue)
            buffer.writeLobbyString(name)
            buffer.writeInteger(maxPlayers)
            buffer.writeInteger(transport?.rawValue ?? 0)
        case .joinRoom(let id):
            buffer.writeInteger(LobbyMessageType.joinRoom.rawValue)
            buffer.writeInteger(id)
        case .leaveRoom:
            buffer.writeInteger(LobbyMessageType.leaveRoom.rawValue)
        case .chat(let text):
            buffer.writeInteger(LobbyMessageType.chat.rawValue)
            buffer.writeLobbyString(text)
        case .setReady(let ready):
            buffer.writeInteger(LobbyMessageType.setReady.rawValue)
            buffer.writeLobbyBool(ready)
        case .ping(let nonce):
            buffer.writeInteger(LobbyMessageType.ping.rawValue)
            buffer.writeInteger(nonce)
        case .realtime(let packet):
            buffer.writeInteger(LobbyMessageType.clientRealtime.rawValue)
            buffer.writeImmutableBuffer(packet)
        }
    }
}
