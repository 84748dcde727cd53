import NIOCore
import Testing

@testable import NetcodeProtocol

@Suite("Inputs: codec, history and receiver")
struct InputTests {
    private func randomCommand(_ generator: inout RealtimeFixtures.Random) -> InputCommand {
        InputCommand(
            moveX: Int8.random(in: .min ... .max, using: &generator),
            moveY: Int8.random(in: .min ... .max, using: &generator),
            buttons: UInt8.random(in: 0...255, using: &generator)
        )
    }

    @Test("input messages round-trip with their documented bytes")
    func roundTrip() throws {
        let message = InputMessage(newestSequence: 0x0102_0304, inputs: [
            InputCommand(moveX: -1, moveY: 2, buttons: 0x80),
            InputCommand(moveX: 127, moveY: -128, buttons: 1),
        ])
        let payload = message.encoded()
        #expect(RealtimeFixtures.bytes(payload) == [0x01, 0x02, 0x03, 0x04, 0x02, 0xFF, 0x02, 0x80, 0x7F, 0x80, 0x01])
        #expect(try InputMessage.decode(payload) == message)
        #expect(message.sequencedInputs.map(\.sequence) == [0x0102_0303, 0x0102_0304])

        var generator = RealtimeFixtures.Random(seed: 5)
        for _ in 0..<500 {
            let count = Int.random(in: 0...16, using: &generator)
            let newest = UInt32.random(in: UInt32(count)...UInt32.max, using: &generator)
            let random = InputMessage(newestSequence: newest, inputs: (0..<count).map { _ in randomCommand(&generator) })
            #expect(try InputMessage.decode(random.encoded()) == random)
        }
    }

    @Test("malformed input payloads are rejected")
    func malformed() {
        let valid = RealtimeFixtures.bytes(InputMessage(newestSequence: 10, inputs: [InputCommand(), InputCommand()]).encoded())
        let cases: [[UInt8]] = [
            [],
            Array(valid.prefix(4)),
            Array(valid.dropLast()),
            valid + [0],
            [0, 0, 0, 20, 17] + Array(repeating: 0, count: 51),  // 17 inputs
            [0, 0, 0, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0],  // 3 inputs ending at 1 would start below 0
        ]
        for bytes in cases {
            #expect(throws: RealtimeDecodingError.self) { try InputMessage.decode(RealtimeFixtures.buffer(bytes)) }
        }
    }

    @Test("the history numbers inputs from 1 and repeats the newest N in each message")
    func history() throws {
        var history = InputHistory(redundancy: 5)
        #expect(history.message() == nil)
        var commands: [InputCommand] = []
        var generator = RealtimeFixtures.Random(seed: 6)
        for frame in 1...300 {
            let command = randomCommand(&generator)
            commands.append(command)
            #expect(history.append(command, now: UInt64(frame) * 1000) == UInt32(frame))
            let message = try #require(history.message())
            #expect(message.newestSequence == UInt32(frame))
            #expect(message.inputs == Array(commands.suffix(5)))
        }
        #expect(history.recordedAt(300) == 300_000)
        #expect(history.recordedAt(45) == 45_000)
        #expect(history.recordedAt(44) == nil)
        #expect(history.input(299) == commands[298])
        #expect(InputHistory(redundancy: 40).redundancy == 16)
        #expect(InputHistory(redundancy: 0).redundancy == 1)
    }

    @Test("a burst longer than the redundancy loses exactly the inputs no packet carried")
    func burstLoss() throws {
        var history = InputHistory(redundancy: 5)
        var receiver = InputReceiver()
        var delivered: [UInt32] = []
        for frame in 1...20 {
            history.append(InputCommand(), now: 0)
            // Packets 6...12 (seven in a row) are lost; packet 13 carries 9...13, so 6, 7 and 8 are gone.
            if (6...12).contains(frame) { continue }
            delivered += receiver.receive(try #require(history.message())).map(\.sequence)
        }
        #expect(delivered == Array(1...5) + Array(9...20))
        #expect(receiver.stats.inputsLost == 3)
        #expect(receiver.stats.inputsRecovered == 4)
    }

    @Test("the receiver hands out each input once, in order, whatever the duplicates and reordering")
    func receiverDuplicatesAndReordering() {
        var history = InputHistory(redundancy: 3)
        var messages: [InputMessage] = []
        for frame in 1...10 {
            history.append(InputCommand(moveX: Int8(frame), moveY: 0, buttons: 0), now: 0)
            messages.append(history.message()!)
        }
        var receiver = InputReceiver()
        var delivered: [UInt32] = []
        // 1, 2, 2 again, 4 (recovers 3), 3 late, 5, then 9 (recovers 7, 8; 6 lost), 10.
        for index in [0, 1, 1, 3, 2, 4, 8, 9] {
            delivered += receiver.receive(messages[index]).map(\.sequence)
        }
        #expect(delivered == [1, 2, 3, 4, 5, 7, 8, 9, 10])
        #expect(receiver.newestSequence == 10)
        #expect(receiver.stats.inputsReceived == 9)
        #expect(receiver.stats.inputsRecovered == 3)
        #expect(receiver.stats.inputsLost == 1)
        #expect(receiver.stats.redundantCopies > 0)
    }

    @Test("under 20% seeded loss, redundancy 5 recovers every input when losses are isolated")
    func receiverUnderLoss() throws {
        var generator = RealtimeFixtures.Random(seed: 7)
        var (client, server) = RealtimeFixtures.connectionPair()
        var history = InputHistory(redundancy: 5)
        var receiver = InputReceiver()
        var sent: [InputCommand] = []
        var delivered: [SequencedInput] = []
        var lostPackets = 0
        var longestLossRun = 0
        var run = 0
        for frame in 1...5_000 {
            let command = randomCommand(&generator)
            sent.append(command)
            history.append(command, now: UInt64(frame))
            let packet = client.seal(type: .input, payload: history.message()!.encoded(), now: UInt64(frame))
            // Seeded 20% loss, kept isolated for redundancy 5: never five packets lost in a row.
            if run < 4, generator.chance(0.2) {
                lostPackets += 1
                run += 1
                longestLossRun = max(longestLossRun, run)
                continue
            }
            run = 0
            let payload = try #require(server.open(packet, now: UInt64(frame)).payload)
            delivered += receiver.receive(try InputMessage.decode(payload))
        }
        #expect(longestLossRun == 4)
        #expect(lostPackets > 800)
        #expect(delivered.map(\.sequence) == Array(1...UInt32(sent.count - run)))
        #expect(delivered.map(\.command) == Array(sent.prefix(sent.count - run)))
        #expect(receiver.stats.inputsLost == 0)
        #expect(receiver.stats.inputsRecovered == UInt64(lostPackets - run))
    }
}
