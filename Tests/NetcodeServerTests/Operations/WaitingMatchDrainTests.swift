import NetcodeClient
import NetcodeProtocol
import Testing
@testable import NetcodeServer

/// A match waiting for realtime capacity when the server drains or stops is given up at once: its
/// players hear why before the server goes away, and the room opens again.
@Suite struct WaitingMatchDrainTests {
    enum Ending: String, CaseIterable { case drain, shutdown }

    @Test("a match waiting for capacity is given up at once when the server drains or stops, and its players are told why",
          arguments: Ending.allCases)
    func aWaitingMatchIsGivenUp(ending: Ending) async throws {
        // A negative budget puts every shard over it: the ready room waits for capacity that never comes.
        let server = try await TestServer.start { $0.tickBudget = -1 }
        let alice = try await server.player("alice")
        let bob = try await server.player("bob")
        try await alice.send(.createRoom(name: "waits", maxPlayers: 2, transport: .udp))
        let room = try await alice.expect("roomState") { if case .roomState(let room, _) = $0 { room } else { nil } }
        try await bob.send(.joinRoom(id: room.id))
        try await alice.send(.setReady(true))
        try await bob.send(.setReady(true))
        #expect(try await alice.expectError().1.contains("capacity"), "the match waits")
        #expect(try await bob.expectError().0 == .serverBusy)
        let lobby = server.server.lobby
        try await OwnedTaskTests.until("the match waits between tries") { await !lobby.capacityWaits.isEmpty }

        switch ending {
        case .drain: server.server.drain(timeout: .seconds(600))
        case .shutdown: server.server.shutdown()
        }
        // No match runs, so the drain ends at once and the server goes away; what came before is what
        // the players were told.
        for player in [alice, bob] {
            let messages = try await player.drainUntilClosed(timeout: .seconds(60))
            let reason = ending == .drain ? "draining" : "shutting down"
            let told = messages.firstIndex { if case .error(.serverBusy, let text) = $0 { text.contains(reason) && text.contains("will not start") } else { false } }
            let ended = messages.firstIndex { if case .matchEnded(0, let standings) = $0 { standings.isEmpty } else { false } }
            let gone = messages.firstIndex { if case .goingAway = $0 { true } else { false } }
            #expect(told != nil, "told why the match will not start: \(messages)")
            #expect(ended != nil, "the room opened again (matchEnded for match 0): \(messages)")
            if let told, let ended, let gone { #expect(told < ended && ended < gone) }
        }
        try await server.task.value
        #expect(await lobby.capacityWaits.isEmpty)
        #expect(lobby.tasks.running == 0)
        #expect(try await server.database.recentMatches(limit: 10).isEmpty, "nothing was played")
        await alice.close()
        await bob.close()
    }
}
