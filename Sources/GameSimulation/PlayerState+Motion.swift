extension PlayerState {
    /// Moves this player by one tick of `config` under `input`: the movement rule of the game.
    ///
    /// Public so a client can predict its own movement with exactly the server's rule. The order is:
    /// 1. the stick (limited to length 1) accelerates the player by `acceleration`;
    /// 2. friction takes `friction × dt` off the speed, stopping the player rather than reversing it;
    /// 3. the speed is limited to `maxSpeed`;
    /// 4. the position advances by velocity × dt;
    /// 5. walls: a position outside the arena is put back on the wall, and the velocity component
    ///    pointing into that wall becomes 0, so the player slides along it.
    ///
    /// Only `+ - * /` and `squareRoot()` on `Float` are used: these are correctly rounded by IEEE 754,
    /// so the same inputs give bit-identical results on every run of the same build.
    /// A disconnected player does not move.
    public mutating func move(with input: PlayerInput, config: GameConfig) {
        guard connected else { return }
        let dt = config.tickSeconds

        var ax = input.axisX
        var ay = input.axisY
        let stickSquared = ax * ax + ay * ay
        if stickSquared > 1 {
            let length = stickSquared.squareRoot()
            ax = ax / length
            ay = ay / length
        }
        vx = vx + ax * (config.acceleration * dt)
        vy = vy + ay * (config.acceleration * dt)

        let speedSquared = vx * vx + vy * vy
        if speedSquared > 0 {
            let speed = speedSquared.squareRoot()
            var target = speed - config.friction * dt
            if target > config.maxSpeed { target = config.maxSpeed }
            if target <= 0 {
                vx = 0
                vy = 0
            } else if target < speed {
                let scale = target / speed
                vx = vx * scale
                vy = vy * scale
            }
        }

        x = x + vx * dt
        y = y + vy * dt
        clampToArena(width: config.arenaWidth, height: config.arenaHeight)
    }

    /// Puts the player back inside `0 ... width` × `0 ... height`, stopping motion into a wall.
    mutating func clampToArena(width: Float, height: Float) {
        if x < 0 {
            x = 0
            if vx < 0 { vx = 0 }
        } else if x > width {
            x = width
            if vx > 0 { vx = 0 }
        }
        if y < 0 {
            y = 0
            if vy < 0 { vy = 0 }
        } else if y > height {
            y = height
            if vy > 0 { vy = 0 }
        }
    }
}
