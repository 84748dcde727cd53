import GameSimulation
import Logging
import NIOCore
import NetcodeProtocol
import Testing
@testable import NetcodeServer

/// An input is kept in the player's seat when it arrives and handed to the world when the next tick
/// runs: the tick it acts on is the same as if the world had taken it at once, and a held seat's idling
/// is not undone by an input that arrived before the lobby connection dropped.
@Suite struct PendingInputTests {
    private struct Match {
        let runner: MatchRunner
        var clients: [RealtimeConnection]
        var output = MatchOutput()
        var tick: UInt64 = 0

        init() throws {
            var logger = Logger(label: "pending-input")
            logger.logLevel = .critical
            let keys: [[UInt8]] = [(0..<32).map { UInt8($0) }, (0..<32).map { UInt8($0 + 1) }]
            var slots: [PlayerSlot] = []
            for index in 0..<2 {
                let account = LobbyAccount(id: UInt64(index + 1), name: "p\(index)")
                slots.append(PlayerSlot(
                    account: account, playerID: UInt8(index + 1), sessionID: UInt32(20 + index), key: keys[index],
                    tcp: nil, now: 0, lobbyConnection: ConnectionID(index + 1)
                ))
            }
            let settings = MatchSettings(tickRate: 30, durationSeconds: 10, sessionTimeout: .seconds(60), seed: 9)
            self.runner = try MatchRunner(matchID: 1, roomID: 1, roomName: "inputs", transport: .udp, settings: settings, seed: 9, slots: slots, now: 0, logger: logger)
            self.clients = (0..<2).map { RealtimeConnection(sessionID: UInt32(20 + $0), keyBytes: keys[$0]) }
        }

        var now: UInt64 { self.tick * 33_333_333 }

        mutating func step() {
            self.tick += 1
            self.runner.tickOnce(now: self.now, output: &self.output)
            self.output.reset()
        }

        /// Player `index`'s client sends input `sequence`, moving along x.
        mutating func send(_ index: Int, sequence: UInt32, moveX: Int8) {
            var history = InputHistory(redundancy: 1)
            for _ in 0..<sequence { history.append(InputCommand(moveX: moveX, moveY: 0, buttons: 0), now: self.now) }
            let packet = self.clients[index].seal(type: .input, now: self.now, payloadCapacity: 16) { _ = history.writeMessage(into: &$0) }
            self.runner.receive(packet, slot: index, from: nil, now: self.now, output: &self.output)
            #expect(self.output.drops.total == 0, "the input packet was accepted")
            self.output.reset()
        }

        func x(_ playerID: UInt8) -> Float { self.runner.world.player(playerID)?.x ?? .nan }
    }

    @Test func anInputActsFromTheNextTickOn() throws {
        var match = try Match()
        match.step()
        let before = (match.x(1), match.x(2))
        match.send(0, sequence: 1, moveX: 127)
        #expect(match.runner.world.currentInput(of: 1) == .idle, "the world takes the input at the next tick")
        #expect((match.x(1), match.x(2)) == before, "nothing moves between ticks")
        match.step()
        #expect(match.runner.world.currentInput(of: 1) == PlayerInput(moveX: 127, moveY: 0))
        #expect(match.x(1) > before.0, "the player moved right at the next tick: \(before.0) to \(match.x(1))")
        #expect(match.x(2) == before.1, "the other player, who sent nothing, stayed")
        #expect(match.runner.slots[0].inputs.newestSequence == 1, "and its snapshots report input 1 processed")

        // Several inputs before one tick: the newest is the one the tick acts on.
        match.send(0, sequence: 2, moveX: -127)
        match.send(0, sequence: 3, moveX: 64)
        match.step()
        #expect(match.runner.world.currentInput(of: 1) == PlayerInput(moveX: 64, moveY: 0))
    }

    @Test func aHeldSeatIdlesEvenWithAnInputWaiting() throws {
        var match = try Match()
        match.step()
        match.send(1, sequence: 1, moveX: 127)
        #expect(match.runner.detach(accountID: 2, connection: 2))
        match.step()
        #expect(match.runner.world.currentInput(of: 2) == .idle, "the input that arrived before the drop does not move a held seat")
    }
}
