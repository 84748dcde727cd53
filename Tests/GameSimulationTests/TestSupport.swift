@testable import GameSimulation

/// A random stick position, including the extreme values -128 and 127, from a seeded generator.
func randomInput(using random: inout SplitMix64) -> PlayerInput {
    let bits = random.next()
    return PlayerInput(
        moveX: Int8(truncatingIfNeeded: bits),
        moveY: Int8(truncatingIfNeeded: bits >> 8),
        buttons: UInt8(truncatingIfNeeded: bits >> 16)
    )
}

/// A world with players `ids` already joined.
func makeWorld(_ config: GameConfig = GameConfig(), players ids: [PlayerID]) throws -> World {
    var world = World(config: config)
    for id in ids {
        try world.addPlayer(id)
    }
    return world
}

/// The input that pushes the stick fully from `player` toward the point (x, y).
func input(steering player: PlayerState, toward x: Float, _ y: Float) -> PlayerInput {
    let dx = x - player.x
    let dy = y - player.y
    let length = (dx * dx + dy * dy).squareRoot()
    guard length > 0 else { return .idle }
    return PlayerInput(moveX: Int8(dx / length * 127), moveY: Int8(dy / length * 127))
}

/// Places coin slot `index` at (x, y), keeping its id and value.
func placeCoin(_ index: Int, atX x: Float, y: Float, in world: inout World) {
    world.coins[index].x = x
    world.coins[index].y = y
}

/// Moves every coin far from (x, y) so only a coin placed on purpose can be collected.
func clearCoins(awayFromX x: Float, y: Float, in world: inout World) {
    let farX: Float = x < world.config.arenaWidth / 2 ? world.config.arenaWidth - 1 : 1
    let farY: Float = y < world.config.arenaHeight / 2 ? world.config.arenaHeight - 1 : 1
    for index in world.coins.indices {
        placeCoin(index, atX: farX, y: farY, in: &world)
    }
}
