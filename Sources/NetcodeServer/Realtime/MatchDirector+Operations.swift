import Crypto
import NIOCore
import NetcodeProtocol

/// Reconnection and the admin socket's questions, carried to the shard that runs the match.
extension MatchDirector {
    func playerDetached(roomID: UInt32, accountID: UInt64, connection: ConnectionID) async {
        guard let index = self.shardIndex(ofRoom: roomID) else { return }
        let shard = self.shards[index].shard
        self.shards[index].eventLoop.execute { shard.value.detach(roomID: roomID, accountID: accountID, connection: connection) }
    }

    func rejoin(roomID: UInt32, accountID: UInt64, connection: ConnectionID) async -> MatchStart? {
        guard let index = self.shardIndex(ofRoom: roomID) else { return nil }
        let tcp = await self.lobby.reference(for: connection)
        let handle = self.shards[index]
        let shard = handle.shard
        guard let sessionID = self.reserveSession(on: index) else { return nil }
        let key = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        let port = handle.udpPort
        let result = try? await handle.eventLoop.submit {
            shard.value.rejoin(roomID: roomID, accountID: accountID, sessionID: sessionID, key: key, tcp: tcp, connection: connection, udpPort: port)
        }.get()
        self.releaseSession(result?.replaced ?? sessionID)
        return result?.start
    }

    /// Every running match on every shard.
    func matchViews() async -> [AdminMatchView] {
        var views: [AdminMatchView] = []
        for handle in self.shards {
            let shard = handle.shard
            views += (try? await handle.eventLoop.submit { shard.value.matchViews() }.get()) ?? []
        }
        return views.sorted { $0.matchID < $1.matchID }
    }

    /// The live session figures of a player in the room's match, and the shard it runs on.
    func sessionStats(roomID: UInt32, accountID: UInt64) async -> AdminSessionStats? {
        guard let index = self.shardIndex(ofRoom: roomID) else { return nil }
        let shard = self.shards[index].shard
        return try? await self.shards[index].eventLoop.submit { shard.value.sessionStats(roomID: roomID, accountID: accountID) }.get()
    }
}

extension MatchDirector {
    /// Matches running on every shard now.
    func runningMatches() async -> Int {
        var count = 0
        for handle in self.shards {
            let shard = handle.shard
            count += (try? await handle.eventLoop.submit { shard.value.matchCount }.get()) ?? 0
        }
        return count
    }
}
