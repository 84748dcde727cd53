import NetcodeTransport
import Foundation
@testable import NetcodeStore

/// Shared builders for the store tests: fixed times and small records with readable defaults.
enum Fixtures {
    /// A fixed instant with a millisecond part, so rounding bugs would show.
    static let epoch: Int64 = 1_700_000_000_123

    static func time(offsetMs: Int64) -> Date {
        Date(millisecondsSince1970: epoch + offsetMs)
    }

    @discardableResult
    static func account(_ name: String, in db: NetcodeDatabase) async throws -> Account {
        try await db.createAccount(
            name: name,
            passwordHash: Data(name.utf8.reversed()),
            salt: Data([1, 2, 3, 4]),
            algorithm: "pbkdf2-sha256",
            iterations: 210_000,
            at: time(offsetMs: 0)
        )
    }

    static func player(
        _ account: Account,
        index: Int,
        score: Int,
        rank: Int = 1,
        lossUp: Double = 0.05
    ) -> MatchPlayerRecord {
        MatchPlayerRecord(
            accountID: account.id,
            playerIndex: index,
            name: account.name,
            score: score,
            rank: rank,
            connectedAtEnd: index % 2 == 0,
            inputsReceived: 1_800 + index,
            snapshotsSent: 600 - index,
            lossUp: lossUp,
            lossDown: 0.125,
            rttMs: 42.5 + Double(index)
        )
    }

    static func match(
        id: Int64,
        endedAtOffsetMs: Int64 = 60_000,
        winner: Int64?,
        players: [MatchPlayerRecord]
    ) -> MatchRecord {
        MatchRecord(
            id: id,
            roomName: "room-\(id)",
            startedAt: time(offsetMs: endedAtOffsetMs - 60_000),
            endedAt: time(offsetMs: endedAtOffsetMs),
            tickRate: 30,
            durationTicks: 1_800,
            transport: id % 2 == 0 ? .tcp : .udp,
            networkProfile: "lossy-5",
            seed: UInt64.max - UInt64(id),
            winnerAccountID: winner,
            players: players
        )
    }
}
