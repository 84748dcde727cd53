import NetcodeProtocol
import Testing
@testable import NetcodeClient

/// The bots' input policies, as the realtime client uses them: it shows each newest snapshot to the
/// policy as it arrives and asks for an input at each input time.
@Suite struct InputPolicyTests {
    private static func state(me: (x: UInt16, y: UInt16)?, coins: [(UInt16, UInt16)]) -> SnapshotState {
        var players = [PlayerSnapshot(id: 9, x: 0, y: 0, score: 0, connected: true)]
        if let me { players.append(PlayerSnapshot(id: 3, x: me.x, y: me.y, score: 0, connected: true)) }
        return SnapshotState(tick: 1, players: players, coins: coins.enumerated().map { CoinSnapshot(id: UInt16($0.offset), x: $0.element.0, y: $0.element.1) })
    }

    @Test("a chasing bot heads for the nearest coin of the newest snapshot it saw, at every input until the next")
    func chaseHeadsForTheNearestCoin() {
        var policy = InputPolicy(behaviour: .chase, playerID: 3, seed: 1)
        policy.see(Self.state(me: (1000, 1000), coins: [(1000, 5000), (3000, 1000)]))
        // (3000, 1000) is 2000 away, (1000, 5000) 4000: straight along +x.
        for _ in 0..<3 { #expect(policy.next() == InputCommand(moveX: 127, moveY: 0, buttons: 0)) }
        policy.see(Self.state(me: (1000, 1000), coins: [(1000, 0)]))
        #expect(policy.next() == InputCommand(moveX: 0, moveY: -127, buttons: 0))
    }

    @Test("a chasing bot wanders, as a wandering bot of its seed would, before a snapshot and when it shows no coin or not the bot")
    func chaseWandersWithoutATarget() {
        var chaser = InputPolicy(behaviour: .chase, playerID: 3, seed: 42)
        var wanderer = InputPolicy(behaviour: .wander, playerID: 3, seed: 42)
        var chased: [InputCommand] = []
        var wandered: [InputCommand] = []
        for _ in 0..<5 { chased.append(chaser.next()); wandered.append(wanderer.next()) }
        chaser.see(Self.state(me: (1000, 1000), coins: []))
        for _ in 0..<5 { chased.append(chaser.next()); wandered.append(wanderer.next()) }
        chaser.see(Self.state(me: nil, coins: [(10, 10)]))
        for _ in 0..<5 { chased.append(chaser.next()); wandered.append(wanderer.next()) }
        #expect(chased == wandered)
        #expect(wandered.contains { $0 != InputCommand() }, "a wander moves: \(wandered)")
    }

    @Test("an idle bot sends no movement whatever it sees")
    func idleStaysIdle() {
        var policy = InputPolicy(behaviour: .idle, playerID: 3, seed: 1)
        policy.see(Self.state(me: (1000, 1000), coins: [(3000, 1000)]))
        #expect(policy.next() == InputCommand())
    }
}
