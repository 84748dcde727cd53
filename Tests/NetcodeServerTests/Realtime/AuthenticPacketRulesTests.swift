import NIOCore
import NIOPosix
import NetcodeProtocol
import Testing
@testable import NetcodeServer

/// What the server does with packets that authenticate but cannot be used (PROTOCOL.md 2.1.3): an
/// input whose payload is refused is still acknowledged (an ack means "authentic", not "applied"), and
/// a datagram for a tcp match's session is ignored on the UDP port.
@Suite struct AuthenticPacketRulesTests {
    typealias Inbox = PathValidationTests.Inbox

    static func type(_ packet: ByteBuffer) -> UInt8? { (try? PacketHeader.parse(packet).get())?.type.rawValue }
    static func ack(_ packet: ByteBuffer) -> UInt16? { (try? PacketHeader.parse(packet).get())?.ack }

    @Test("an authentic input with a refused payload is acknowledged, counted as malformed, and not applied")
    func refusedPayloadIsAckedButNotApplied() async throws {
        let server = try await TestServer.start { $0.match = MatchSettings(durationSeconds: 60, sessionTimeout: .seconds(60), seed: 5) }
        let match = try await server.twoPlayerMatch(transport: .udp, roomName: "acks")
        let inbox = Inbox()
        let socket = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { $0.pipeline.addHandler(inbox) }
            .bind(host: "127.0.0.1", port: 0).get()
        let target = try SocketAddress(ipAddress: "127.0.0.1", port: Int(match.startB.udpPort))
        func send(_ packet: ByteBuffer) async throws {
            try await socket.writeAndFlush(AddressedEnvelope(remoteAddress: target, data: packet))
        }
        var bob = RealtimeConnection(sessionID: match.startB.sessionID, keyBytes: match.startB.sessionKey)

        // Validate the path: a good input, the challenge, the response; snapshots then come here.
        try await send(bob.seal(type: .input, payload: InputMessage(newestSequence: 1, inputs: [InputCommand(moveX: 9)]).encoded(), now: 1))
        let challenge = try await inbox.next { Self.type($0) == PacketType.challenge.rawValue }
        guard case .accepted(.challenge, let token, _) = bob.open(challenge, now: 2) else {
            Issue.record("no authentic challenge")
            return
        }
        try await send(bob.seal(type: .response, payload: token, now: 3))
        _ = try await inbox.next { Self.type($0) == PacketType.snapshot.rawValue }

        // An authentic input packet whose payload says three inputs and carries one.
        var bad = ByteBuffer()
        bad.writeInteger(UInt32(7))
        bad.writeInteger(UInt8(3))
        bad.writeBytes([1, 1, 0])
        let badSequence = bob.nextSequence
        try await send(bob.seal(type: .input, payload: bad, now: 4))

        // The server's next packets acknowledge it: it was authentic and entered the replay window.
        let acking = try await inbox.next { Self.type($0) == PacketType.snapshot.rawValue && Self.ack($0) == UInt16(truncatingIfNeeded: badSequence) }
        guard case .accepted(.snapshot, let payload, let newlyAcked) = bob.open(acking, now: 5) else {
            Issue.record("the acking snapshot did not open")
            return
        }
        #expect(newlyAcked.contains(badSequence), "acked: \(newlyAcked)")
        // ... but its payload was not used: the newest input the server processed is still input 1.
        #expect(payload.getInteger(at: payload.readerIndex + 6, as: UInt16.self) == 1, "the snapshot header's processed-input field (2.3.2)")
        let counters = try await server.realtimeCounters()
        #expect(counters.drops[.malformedPayload] >= 1)
        try await socket.close()
        await match.alice.close()
        await match.bob.close()
        try await server.stop()
    }

    @Test("an authentic datagram for a tcp match's session is ignored on the UDP port and counted")
    func udpDatagramForATCPSessionIsIgnored() async throws {
        let server = try await TestServer.start { $0.match = MatchSettings(durationSeconds: 60, sessionTimeout: .seconds(60), seed: 6) }
        let match = try await server.twoPlayerMatch(transport: .tcp, roomName: "tcp only")
        let inbox = Inbox()
        let socket = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { $0.pipeline.addHandler(inbox) }
            .bind(host: "127.0.0.1", port: 0).get()
        let target = try SocketAddress(ipAddress: "127.0.0.1", port: Int(match.startA.udpPort))
        var alice = RealtimeConnection(sessionID: match.startA.sessionID, keyBytes: match.startA.sessionKey)
        let unknownBefore = try await server.realtimeCounters().drops[.unknownSession]

        // Sequence 0 by UDP: the tcp session's packets come only in realtime frames.
        let overUDP = alice.seal(type: .input, payload: InputMessage(newestSequence: 1, inputs: [InputCommand(moveX: 9)]).encoded(), now: 1)
        try await socket.writeAndFlush(AddressedEnvelope(remoteAddress: target, data: overUDP))
        while try await server.realtimeCounters().drops[.unknownSession] == unknownBefore { try await Task.sleep(for: .milliseconds(5)) }

        // Sequence 1 in a realtime frame: the answer acks 1, and not 0, which was never accepted.
        match.alice.sendRealtime(alice.seal(type: .input, payload: InputMessage(newestSequence: 2, inputs: [InputCommand(moveX: 9)]).encoded(), now: 2))
        let snapshot = try await match.alice.expect("a snapshot acking sequence 1") { message -> ByteBuffer? in
            if case .realtime(let packet) = message, Self.ack(packet) == 1 { return packet }
            return nil
        }
        let ackBits = try #require(try? PacketHeader.parse(snapshot).get().ackBits)
        #expect(ackBits & 1 == 0, "sequence 0, sent by UDP, was never accepted")
        #expect(inbox.datagrams.isEmpty, "nothing is ever sent back by UDP for a tcp session")
        try await socket.close()
        await match.alice.close()
        await match.bob.close()
        try await server.stop()
    }
}
