extension World {
    /// Attempts at finding a coin place away from every player before taking the last one drawn;
    /// bounded so a crowded arena cannot stall a tick.
    static let coinPlacementAttempts = 8

    /// Gives each coin to the nearest connected player within `pickupRadius` (the lowest id on an
    /// exact tie), then replaces it. O(players × coins); a replacement is not collectable until the
    /// next tick.
    mutating func collectCoins() {
        let radiusSquared = config.pickupRadius * config.pickupRadius
        for coinIndex in coins.indices {
            let coin = coins[coinIndex]
            var winner = -1
            var bestDistanceSquared = radiusSquared
            for playerIndex in players.indices where players[playerIndex].connected {
                let dx = players[playerIndex].x - coin.x
                let dy = players[playerIndex].y - coin.y
                let distanceSquared = dx * dx + dy * dy
                // Strictly closer only: players are in id order, so the lowest id wins a tie.
                if distanceSquared < bestDistanceSquared || (winner < 0 && distanceSquared == bestDistanceSquared) {
                    winner = playerIndex
                    bestDistanceSquared = distanceSquared
                }
            }
            guard winner >= 0 else { continue }
            award(coin, to: winner)
            coins[coinIndex] = makeCoin()
        }
    }

    private mutating func award(_ coin: Coin, to playerIndex: Int) {
        let (sum, overflow) = players[playerIndex].score.addingReportingOverflow(coin.value)
        players[playerIndex].score = overflow ? UInt16.max : sum
        players[playerIndex].coinsCollected += 1
    }

    /// A new coin at a seeded place at least `pickupRadius` from the walls and, when it can find one,
    /// out of reach of every connected player, so a coin is never handed to whoever happens to stand
    /// where it appears.
    mutating func makeCoin() -> Coin {
        let marginX = min(config.pickupRadius, config.arenaWidth * 0.5)
        let marginY = min(config.pickupRadius, config.arenaHeight * 0.5)
        var x: Float = 0
        var y: Float = 0
        for _ in 0..<Self.coinPlacementAttempts {
            x = coinRandom.nextFloat(from: marginX, to: config.arenaWidth - marginX)
            y = coinRandom.nextFloat(from: marginY, to: config.arenaHeight - marginY)
            if !isWithinReachOfPlayer(x: x, y: y) { break }
        }
        return Coin(id: takeCoinID(), x: x, y: y, value: config.coinValue)
    }

    private func isWithinReachOfPlayer(x: Float, y: Float) -> Bool {
        let radiusSquared = config.pickupRadius * config.pickupRadius
        for player in players where player.connected {
            let dx = player.x - x
            let dy = player.y - y
            if dx * dx + dy * dy <= radiusSquared { return true }
        }
        return false
    }

    /// The next coin id not held by a coin in the arena. Ids wrap at `UInt16.max`; the check keeps a
    /// long-lived coin from sharing its id with a new one after the wrap.
    private mutating func takeCoinID() -> UInt16 {
        while coins.contains(where: { $0.id == nextCoinID }) {
            nextCoinID &+= 1
        }
        let id = nextCoinID
        nextCoinID &+= 1
        return id
    }
}
