import Foundation
import NetcodeTransport

/// One finished match and how each player fared, written once when the match ends.
public struct MatchRecord: Sendable, Hashable {
    /// Chosen by the server (see ``NetcodeDatabase/nextMatchID()``), not by the database, so the
    /// id can appear in logs and on the wire before the result is stored.
    public var id: Int64
    public var roomName: String
    public var startedAt: Date
    public var endedAt: Date
    /// Simulation steps per second.
    public var tickRate: Int
    /// Simulation steps the match ran for.
    public var durationTicks: Int
    public var transport: UpdateTransport
    /// The name of the network impairment profile in force, or "none".
    public var networkProfile: String
    /// The match's RNG seed. Stored as the INTEGER with the same 64 bits, so seeds of 2^63 and
    /// above read as negative numbers in the sqlite3 CLI but come back exactly here.
    public var seed: UInt64
    /// `nil` for a draw or an abandoned match.
    public var winnerAccountID: Int64?
    /// Read back in `playerIndex` order.
    public var players: [MatchPlayerRecord]

    public init(
        id: Int64,
        roomName: String,
        startedAt: Date,
        endedAt: Date,
        tickRate: Int,
        durationTicks: Int,
        transport: UpdateTransport,
        networkProfile: String,
        seed: UInt64,
        winnerAccountID: Int64?,
        players: [MatchPlayerRecord]
    ) {
        self.id = id
        self.roomName = roomName
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.tickRate = tickRate
        self.durationTicks = durationTicks
        self.transport = transport
        self.networkProfile = networkProfile
        self.seed = seed
        self.winnerAccountID = winnerAccountID
        self.players = players
    }
}

/// One player's result and link statistics in a match.
public struct MatchPlayerRecord: Sendable, Hashable {
    public var accountID: Int64
    /// The player's slot in the match, from 0; unique within a match.
    public var playerIndex: Int
    /// The account name at the time of the match, kept so old results read as they were played.
    public var name: String
    public var score: Int
    /// 1 for the best; tied players share a rank.
    public var rank: Int
    /// Whether the player was still connected when the match ended.
    public var connectedAtEnd: Bool
    /// Input packets the server received from this player.
    public var inputsReceived: Int
    /// Snapshot packets the server sent to this player.
    public var snapshotsSent: Int
    /// Fraction of the player's packets lost on the way to the server, 0...1 (0 if none were measured).
    public var lossUp: Double
    /// Fraction of the server's packets lost on the way to the player, 0...1 (0 if none were measured).
    public var lossDown: Double
    /// Smoothed round-trip time in milliseconds (0 if none was measured).
    public var rttMs: Double

    public init(
        accountID: Int64,
        playerIndex: Int,
        name: String,
        score: Int,
        rank: Int,
        connectedAtEnd: Bool,
        inputsReceived: Int,
        snapshotsSent: Int,
        lossUp: Double,
        lossDown: Double,
        rttMs: Double
    ) {
        self.accountID = accountID
        self.playerIndex = playerIndex
        self.name = name
        self.score = score
        self.rank = rank
        self.connectedAtEnd = connectedAtEnd
        self.inputsReceived = inputsReceived
        self.snapshotsSent = snapshotsSent
        self.lossUp = lossUp
        self.lossDown = lossDown
        self.rttMs = rttMs
    }
}
