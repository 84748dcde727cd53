import NetcodeProtocol

/// What the admin socket and reconnection ask of a shard. Called on the shard's event loop.
extension RealtimeShard {
    func detach(roomID: UInt32, accountID: UInt64, connection: ConnectionID) {
        for match in self.matches.values where match.roomID == roomID {
            match.detach(accountID: accountID, connection: connection)
        }
    }

    /// A fresh session for a returning player; routes the new session id here and forgets the old one.
    func rejoin(roomID: UInt32, accountID: UInt64, sessionID: UInt32, key: [UInt8], tcp: LobbyConnectionHandleReference?, connection: ConnectionID, udpPort: Int) -> (start: MatchStart, replaced: UInt32)? {
        for match in self.matches.values where match.roomID == roomID && !match.finished {
            guard let (slot, replaced, start) = match.reattach(accountID: accountID, sessionID: sessionID, key: key, tcp: tcp, connection: connection, udpPort: udpPort, now: Self.now()) else { continue }
            self.setRoute(nil, for: replaced)
            self.setRoute(SessionRoute(match: match, slot: slot), for: sessionID)
            return (start, replaced)
        }
        return nil
    }

    /// Every running match, as the admin socket lists it.
    func matchViews() -> [AdminMatchView] {
        self.matches.values.sorted { $0.matchID < $1.matchID }.map { match in
            let state = match.snapshotState()
            return AdminMatchView(
                matchID: match.matchID, roomID: match.roomID, room: match.roomName, shard: self.index,
                transport: "\(match.transport)", tick: state.tick,
                durationTicks: UInt32(match.settings.gameConfig(seed: match.seed, maxPlayers: match.slots.count).durationTicks),
                players: match.slots.map { slot in
                    AdminMatchView.Player(
                        name: slot.account.name, accountID: slot.account.id, playerID: slot.playerID,
                        score: state.players.first { $0.id == slot.playerID }?.score ?? 0,
                        connected: slot.connected, awaitingReconnect: slot.awaitingReconnect
                    )
                }
            )
        }
    }

    /// The live figures of the player's realtime session, if it is in a match on this shard.
    func sessionStats(roomID: UInt32, accountID: UInt64) -> AdminSessionStats? {
        for match in self.matches.values where match.roomID == roomID {
            guard let slot = match.slots.first(where: { $0.account.id == accountID }) else { continue }
            let stats = slot.connection.stats
            let seconds = max(Double(Self.now() &- slot.sessionStartedAt) / 1e9, 0.001)
            return AdminSessionStats(
                matchID: match.matchID, shard: self.index, sessionID: slot.sessionID, transport: "\(match.transport)",
                connected: slot.connected, awaitingReconnect: slot.awaitingReconnect,
                address: slot.address.map { "\($0)" },
                rttMs: stats.smoothedRTTMilliseconds, jitterMs: stats.rttVariationMilliseconds,
                lossUp: stats.lossRemoteToLocal, lossDown: stats.lossLocalToRemote,
                outOfOrder: stats.outOfOrder, duplicates: stats.duplicates,
                packetsIn: stats.packetsReceived, packetsOut: stats.packetsSent,
                bytesInPerSecond: Double(stats.bytesReceived) / seconds, bytesOutPerSecond: Double(stats.bytesSent) / seconds,
                sessionSeconds: seconds
            )
        }
        return nil
    }
}
