import NetcodeProtocol

/// A player whose lobby connection dropped keeps the seat: idle and exempt from the session timeout
/// until it comes back with a fresh session, or its seat expires.
extension MatchRunner {
    /// Holds the player's seat: it stops moving and does not time out. False when the player is gone, or
    /// is already back on another lobby connection than `connection`, the one that dropped (the detach
    /// and the rejoin travel as separate tasks and may arrive in either order).
    @discardableResult
    func detach(accountID: UInt64, connection: ConnectionID) -> Bool {
        guard let slot = self.slots.first(where: { $0.account.id == accountID }), slot.connected,
              slot.lobbyConnection == connection
        else { return false }
        slot.awaitingReconnect = true
        self.idle(slot.playerID)
        return true
    }

    /// Gives the returning player a fresh session: a new id and key, a new connection (its sequences,
    /// acks and statistics start again), no snapshot baseline (the next snapshot is full) and no
    /// validated address (the first packet from the new session is challenged as usual). Returns the
    /// slot's index, the session id it replaces and the credentials; nil when the player has left.
    func reattach(accountID: UInt64, sessionID: UInt32, key: [UInt8], tcp: LobbyConnectionHandleReference?, connection: ConnectionID, udpPort: Int, now: UInt64) -> (slot: Int, replaced: UInt32, start: MatchStart)? {
        guard let index = self.slots.firstIndex(where: { $0.account.id == accountID }), self.slots[index].connected else { return nil }
        let slot = self.slots[index]
        let replaced = slot.sessionID
        slot.sessionID = sessionID
        slot.connection = RealtimeConnection(sessionID: sessionID, keyBytes: key)
        slot.inputs = InputReceiver()
        slot.baselines = SnapshotBaselineTracker()
        slot.address = nil
        slot.pendingPath = nil
        slot.tcp = tcp
        slot.heardThisSession = false
        slot.lobbyConnection = connection
        slot.awaitingReconnect = false
        slot.lastHeardAt = now
        slot.sessionStartedAt = now
        let start = MatchStart(
            matchID: self.matchID, sessionID: sessionID, sessionKey: key, udpPort: UInt16(udpPort), transport: self.transport,
            playerID: slot.playerID, tickRate: UInt16(self.settings.tickRate), snapshotInterval: UInt16(self.settings.snapshotInterval),
            durationTicks: UInt32(self.settings.gameConfig(seed: self.seed, maxPlayers: self.slots.count).durationTicks),
            arenaWidth: UInt16(self.settings.arenaWidth), arenaHeight: UInt16(self.settings.arenaHeight)
        )
        return (index, replaced, start)
    }
}
