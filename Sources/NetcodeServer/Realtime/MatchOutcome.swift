import Foundation
import NetcodeProtocol
import NetcodeStore

/// What a finished match leaves behind: the row for the database and the standings for the lobby.
struct MatchOutcome: Sendable {
    var roomID: UInt32
    var record: MatchRecord
    var standings: [MatchStanding]
}
