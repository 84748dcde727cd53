import NIOCore
import NetcodeClient
import NetcodeProtocol
import NetcodeStore
import Testing
@testable import NetcodeServer

/// The realtime side as shards: matches spread over event loops with their own UDP ports, each one
/// played and stored as before; placement refuses shards over their tick budget.
@Suite struct ShardingTests {
    @Test("two matches go to two shards, each on its own UDP port, and both are played and stored")
    func matchesSpreadOverShards() async throws {
        let server = try await TestServer.start { configuration in
            configuration.realtimeShards = 2
            // What is under test is "the emptiest shard": no shard is ever over a budget this large by how
            // busy it measures (an idle shard's thread, sampled twice in quick succession on a starved
            // machine, can measure busy), and an idle shard has no tick to be late with. Refusal over
            // budget has its own tests (below).
            configuration.tickBudget = 1_000
            // The first match must still run when the second is placed, and each client must get going
            // before its match's last tick: 10 s leave a starved machine room for both.
            configuration.match.durationSeconds = 10
        }
        let ports = server.server.udpPorts
        #expect(ports.count == 2)
        #expect(Set(ports).count == 2, "each shard binds its own port")

        // Every player logs in first (password checks are the slow part), then the two matches start
        // back to back, and only then does anyone play.
        let (alice, bob) = (try await server.player("alice"), try await server.player("bob"))
        let (carol, dave) = (try await server.player("carol"), try await server.player("dave"))
        let first = try await TwoPlayerMatch.start(alice: alice, bob: bob, transport: .udp, roomName: "one")
        let second = try await TwoPlayerMatch.start(alice: carol, bob: dave, transport: .udp, roomName: "two")
        let firstClients = try await first.play()
        let secondClients = try await second.play()
        #expect(first.startA.udpPort == first.startB.udpPort, "a match lives on one shard")
        #expect(first.startA.udpPort != second.startA.udpPort, "the second match goes to the emptier shard")
        #expect(Set([Int(first.startA.udpPort), Int(second.startA.udpPort)]) == Set(ports))

        var matchIDs: [UInt64] = []
        for (match, (a, b)) in [(first, firstClients), (second, secondClients)] {
            #expect(try await a.firstSnapshot(), "snapshots came from the match's shard port")
            let (matchID, standings) = try await match.alice.expect("matchEnded", timeout: .seconds(120)) { if case .matchEnded(let id, let standings) = $0 { (id, standings) } else { nil } }
            #expect(standings.count == 2, "the result was stored before it was announced")
            a.end(.matchEnded)
            b.end(.matchEnded)
            let (_, experience) = try await a.finished()
            #expect(experience.snapshotsReceived > 0 && (experience.deliveryRatio ?? 0) > 0.9, "snapshots came from the match's shard port")
            _ = try await b.finished()
            matchIDs.append(matchID)
        }
        for id in matchIDs {
            let stored = try await server.database.match(id: Int64(id))
            #expect(stored?.players.count == 2)
        }
        try await server.stop()
    }

    @Test("when every shard is over budget a ready room waits, is told why, and reopens when a player leaves")
    func overloadedServerRefusesAtTheDoor() async throws {
        // A negative budget puts every shard over it, whatever it measures.
        let server = try await TestServer.start { $0.tickBudget = -1 }
        let alice = try await server.player("alice")
        let bob = try await server.player("bob")
        try await alice.send(.createRoom(name: "busy", maxPlayers: 2, transport: .udp))
        let room = try await alice.expect("roomState") { if case .roomState(let room, _) = $0 { room } else { nil } }
        try await bob.send(.joinRoom(id: room.id))
        try await alice.send(.setReady(true))
        try await bob.send(.setReady(true))
        let (code, message) = try await alice.expectError()
        #expect(code == .serverBusy)
        #expect(message.contains("capacity"))
        #expect(try await bob.expectError().0 == .serverBusy)
        // Nothing started: the waiting room reopens once its players change.
        try await bob.send(.leaveRoom)
        let matchID = try await alice.expect("matchEnded", timeout: .seconds(10)) { if case .matchEnded(let id, _) = $0 { id } else { nil } }
        #expect(matchID == 0, "no match was played")
        let reopened = try await alice.expect("roomState") { if case .roomState(let room, _) = $0 { room } else { nil } }
        #expect(!reopened.inMatch)
        #expect(try await server.database.recentMatches(limit: 10).isEmpty)
        await alice.close()
        await bob.close()
        try await server.stop()
    }

    @Test("placement picks the emptiest shard within budget and none when all are over it")
    func placement() {
        func load(busy: Double, lateMs: UInt64 = 0, lateBefore: Bool = true) -> ShardLoad {
            ShardLoad(busy: busy, lateP99Nanos: lateMs * 1_000_000, tickNanos: 33_333_333, lateBefore: lateBefore)
        }
        #expect(MatchDirector.choose(loads: [load(busy: 0.3), load(busy: 0.2)], placed: [50, 20], budget: 0.85) == 1)
        #expect(MatchDirector.choose(loads: [load(busy: 0.3), load(busy: 0.2)], placed: [50, 60], budget: 0.85) == 0)
        #expect(MatchDirector.choose(loads: [load(busy: 0.3), load(busy: 0.2)], placed: [20, 20], budget: 0.85) == 0, "the lowest index on a tie")
        #expect(MatchDirector.choose(loads: [load(busy: 0.3), load(busy: 0.9)], placed: [50, 20], budget: 0.85) == 0,
                "a busy shard takes no new match")
        #expect(MatchDirector.choose(loads: [load(busy: 0.3, lateMs: 40), load(busy: 0.2)], placed: [20, 50], budget: 0.85) == 1,
                "ticks waking more than a tick late two seconds running: starved")
        #expect(MatchDirector.choose(loads: [load(busy: 0.3, lateMs: 40, lateBefore: false), load(busy: 0.2)], placed: [20, 50], budget: 0.85) == 0,
                "one late second is not overload")
        #expect(MatchDirector.choose(loads: [load(busy: 0.3, lateMs: 20), load(busy: 0.2)], placed: [20, 50], budget: 0.85) == 0,
                "late by less than a tick is still within budget")
        #expect(MatchDirector.choose(loads: [load(busy: 0.3, lateMs: 40), load(busy: 0.95)], placed: [0, 0], budget: 0.85) == nil,
                "every shard over budget: nowhere to place")
    }

    @Test("the kernel's per-socket drop column is summed for our ports only")
    func kernelDrops() {
        let table = """
           sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
          101: 0100007F:1E62 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1001 2 0000000000000000 12
          102: 0100007F:1E63 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1002 2 0000000000000000 30
          103: 0100007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1003 2 0000000000000000 999
        """
        #expect(SocketDropCounter.parse(table, ports: [0x1E62, 0x1E63]) == 42)
        #expect(SocketDropCounter.parse(table, ports: [7]) == 0)
    }

    @Test("each shard ticks on its own grid, offset by its share of a slice, a tick or more after placement")
    func shardGridsInterleave() {
        let tick: UInt64 = 33_333_333
        let slice = tick / RealtimeShard.phases
        for now: UInt64 in [1_000_000_000, 5_123_456_789, 77_777_777_777] {
            for phase: UInt64 in [0, 3, 7] {
                let first = RealtimeShard.firstTick(now: now, tickNanos: tick, phase: phase, shard: 0, of: 2)
                let second = RealtimeShard.firstTick(now: now, tickNanos: tick, phase: phase, shard: 1, of: 2)
                // Where in a slice a start lands (its tick and phase taken off).
                func inSlice(_ start: UInt64) -> UInt64 { (start - tick - phase * slice) % slice }
                #expect(inSlice(first) == 0, "shard 0 ticks on the grid itself")
                #expect(inSlice(second) == slice / 2, "shard 1 ticks half a slice later in every slice")
                for start in [first, second] {
                    #expect(start > now + tick, "a match gets a whole tick before its first")
                    #expect(start <= now + tick + (phase + 1) * slice, "and starts within its phase's slice of the next tick")
                }
            }
        }
        // Matches placed one after another on a shard share a phase's wake-up, whatever the offset.
        let a = RealtimeShard.firstTick(now: 2_000_000_001, tickNanos: tick, phase: 2, shard: 1, of: 3)
        let b = RealtimeShard.firstTick(now: 2_000_000_002, tickNanos: tick, phase: 2, shard: 1, of: 3)
        #expect(a == b)
        #expect((a - tick - 2 * slice) % slice == slice / 3)
        // One shard: no offset.
        #expect((RealtimeShard.firstTick(now: 2_000_000_001, tickNanos: tick, phase: 0, shard: 0, of: 1) - tick) % slice == 0)
    }
}
