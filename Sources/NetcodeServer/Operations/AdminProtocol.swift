import Foundation

/// One request on the admin socket: a JSON object on one line (docs/OPERATIONS.md).
public struct AdminRequest: Sendable, Codable, Hashable {
    public enum Command: String, Sendable, Codable, CaseIterable {
        case status, matches, players, stats, kick, drain, shutdown
    }

    public var command: Command
    /// The player's account name, for `stats` and `kick`.
    public var player: String?
    /// For `drain`: the most to wait for running matches, in seconds (the server's `--drain-timeout` when
    /// absent).
    public var timeoutSeconds: Double?

    public init(command: Command, player: String? = nil, timeoutSeconds: Double? = nil) {
        self.command = command
        self.player = player
        self.timeoutSeconds = timeoutSeconds
    }
}

/// The answer to one request: a JSON object on one line. `ok` false carries `error`; otherwise the
/// field named after the command (or `message`) carries the answer.
public struct AdminResponse: Sendable, Codable, Hashable {
    public var ok: Bool
    public var error: String?
    public var message: String?
    public var status: AdminStatus?
    public var matches: [AdminMatchView]?
    public var players: [LobbyState.PlayerView]?
    public var stats: AdminPlayerStats?

    public init(ok: Bool, error: String? = nil, message: String? = nil, status: AdminStatus? = nil, matches: [AdminMatchView]? = nil, players: [LobbyState.PlayerView]? = nil, stats: AdminPlayerStats? = nil) {
        self.ok = ok
        self.error = error
        self.message = message
        self.status = status
        self.matches = matches
        self.players = players
        self.stats = stats
    }

    public static func failure(_ error: String) -> AdminResponse { AdminResponse(ok: false, error: error) }
}

extension AdminResponse {
    /// One line of JSON, keys sorted (stable for people and diffs), newline-terminated.
    public func encodedLine() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var data = (try? encoder.encode(self)) ?? Data(#"{"error":"the answer could not be encoded","ok":false}"#.utf8)
        data.append(0x0A)
        return data
    }
}
