import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NetcodeClient
import NetcodeProtocol
import Testing
@testable import NetcodeServer

/// Bad datagrams on the realtime port during a live match: all dropped and counted, never answered,
/// and the match plays on.
@Suite struct RealtimeAbuseTests {
    /// A raw UDP socket that records everything it receives.
    final class Recorder: ChannelInboundHandler, Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        let received = NIOLockedValueBoxCounter()
        func channelRead(context: ChannelHandlerContext, data: NIOAny) { self.received.increment() }
    }

    @Test func forgedReplayedAndGarbageDatagramsAreDroppedSilently() async throws {
        // The forged and replayed datagrams name live sessions only while the match runs (after it they
        // are unknown sessions): they are sent once both players play, and counted before it ends.
        let server = try await TestServer.start { $0.match = MatchSettings(durationSeconds: 10, seed: 1) }
        let match = try await server.twoPlayerMatch(transport: .udp, roomName: "abuse")
        let (alice, startA, startB) = (match.alice, match.startA, match.startB)
        let (playA, playB) = try await match.play()
        #expect(try await playA.firstSnapshot())
        #expect(try await playB.firstSnapshot())

        let recorder = Recorder()
        let attacker = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { $0.pipeline.addHandler(recorder) }
            .bind(host: "127.0.0.1", port: 0).get()
        let target = try SocketAddress(ipAddress: "127.0.0.1", port: Int(startA.udpPort))
        // Written in one go and flushed once, the session's forged and replayed datagrams first, so they reach
        // the server while the match runs however loaded the machine (sent one awaited write at a time and
        // last, in a whole-suite run none of them had been counted when the match ended).
        var writes: [EventLoopFuture<Void>] = []
        func send(_ bytes: ByteBuffer) {
            writes.append(attacker.write(AddressedEnvelope(remoteAddress: target, data: bytes)))
        }

        // 1. Alice's session, sealed with the wrong key.
        var forger = RealtimeConnection(sessionID: startA.sessionID, keyBytes: Array(repeating: 7, count: 32))
        send(forger.seal(type: .input, payload: InputMessage(newestSequence: 1, inputs: [InputCommand(moveX: 127)]).encoded(), now: 1))
        // 2. A correctly sealed packet, replayed many times (the first may be accepted, copies never).
        var thief = RealtimeConnection(sessionID: startB.sessionID, keyBytes: startB.sessionKey)
        let genuine = thief.seal(type: .keepalive, payload: ByteBuffer(), now: 1)
        for _ in 0..<20 { send(genuine) }
        // 3. A flipped byte in an otherwise valid packet.
        var tampered = thief.seal(type: .keepalive, payload: ByteBuffer(), now: 2)
        tampered.setInteger(tampered.getInteger(at: 10, as: UInt8.self)! ^ 0x01, at: 10)
        send(tampered)
        // 4. Garbage of every small length.
        for length in 0..<64 { send(ByteBuffer(bytes: (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37) })) }
        // 5. An oversized datagram.
        send(ByteBuffer(repeating: 0x4E, count: 1400))
        attacker.flush()
        for write in writes { try await write.get() }
        // Events, not time: the server has counted them (the wait is a hang guard).
        try await OwnedTaskTests.until("the forged, tampered and replayed datagrams were counted") {
            let drops = try await server.realtimeCounters().drops
            return drops[.badTag] >= 2 && drops[.replayed] >= 19
        }

        let (matchID, standings) = try await alice.expect("matchEnded", timeout: .seconds(120)) { if case .matchEnded(let id, let standings) = $0 { (id, standings) } else { nil } }
        playA.end(.matchEnded)
        playB.end(.matchEnded)
        let (_, experienceA) = try await playA.finished()
        _ = try await playB.finished()

        #expect(recorder.received.value == 0, "nothing is ever sent back to an unauthenticated sender")
        #expect(standings.count == 2)
        #expect(experienceA.deliveryRatio ?? 0 > 0.9, "the real players kept playing")
        let counters = try await server.realtimeCounters()
        #expect(counters.drops[.truncated] + counters.drops[.badVersion] + counters.drops[.unknownType] + counters.drops[.unknownSession] >= 60)
        #expect(counters.drops[.oversized] >= 1)
        #expect(counters.drops[.badTag] >= 2, "the forged and the tampered packet")
        #expect(counters.drops[.replayed] >= 19)
        #expect(try await server.database.match(id: Int64(matchID)) != nil)
        try await attacker.close()
        try await server.stop()
    }
}

/// A counter readable from any thread.
final class NIOLockedValueBoxCounter: Sendable {
    private let box = NIOLockedValueBox(0)
    func increment() { self.box.withLockedValue { $0 += 1 } }
    var value: Int { self.box.withLockedValue { $0 } }
}
