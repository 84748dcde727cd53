extension World {
    /// Adds a player at a spawn point drawn from the match seed, at rest and with no score.
    ///
    /// Players may join at any time before the match ends. Spawn points are drawn in join order, so
    /// the same joins in the same order give the same spawn points.
    public mutating func addPlayer(_ id: PlayerID) throws(WorldError) {
        guard !isFinished else { throw .matchFinished }
        guard index(of: id) == nil else { throw .duplicatePlayer(id) }
        guard players.count < config.maxPlayers else { throw .full(maxPlayers: config.maxPlayers) }

        // Keep spawns off the walls so nobody starts pinned to one.
        let marginX = config.arenaWidth * 0.1
        let marginY = config.arenaHeight * 0.1
        let x = spawnRandom.nextFloat(from: marginX, to: config.arenaWidth - marginX)
        let y = spawnRandom.nextFloat(from: marginY, to: config.arenaHeight - marginY)
        let player = PlayerState(id: id, x: x, y: y)

        let position = players.firstIndex { $0.id > id } ?? players.count
        players.insert(player, at: position)
        inputs.insert(.idle, at: position)
        for index in position..<players.count {
            slots[Int(players[index].id)] = Int16(index)
        }
    }

    /// Marks a player as gone: it stops where it is, collects nothing more, and keeps its score and
    /// its place in `results()`. Unknown ids are ignored, as is removing a player twice.
    public mutating func removePlayer(_ id: PlayerID) {
        guard let index = index(of: id) else { return }
        players[index].connected = false
        players[index].vx = 0
        players[index].vy = 0
        inputs[index] = .idle
    }

    /// Sets the input a player acts on from the next step on, until another one arrives.
    ///
    /// Inputs for unknown or disconnected players are ignored (a late packet from a player who left
    /// must not move them). This is the allocation-free way to feed `step()`.
    public mutating func setInput(_ input: PlayerInput, for id: PlayerID) {
        guard let index = index(of: id), players[index].connected else { return }
        inputs[index] = input
    }
}
