extension World {
    /// Advances the match by one tick.
    ///
    /// `inputs` holds the inputs that arrived for this tick. A player missing from it keeps acting on
    /// its previous input, as a server does when a packet is late or lost. Inputs for unknown or
    /// disconnected players are ignored. Does nothing once the match is finished.
    public mutating func step(inputs newInputs: [PlayerID: PlayerInput]) {
        guard !isFinished else { return }
        for (id, input) in newInputs {
            setInput(input, for: id)
        }
        step()
    }

    /// Advances the match by one tick using the inputs set with `setInput(_:for:)` (or kept from
    /// earlier ticks). Does nothing once the match is finished.
    ///
    /// Order within a tick: every connected player moves, then coins are collected, then `tick`
    /// increases, so a result never depends on the order inputs arrived in.
    public mutating func step() {
        guard !isFinished else { return }
        for index in players.indices {
            players[index].move(with: inputs[index], config: config)
        }
        collectCoins()
        tick += 1
    }
}
