import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NetcodeClient
import NetcodeProtocol
import Testing
@testable import NetcodeServer

/// Reflection: an authentic packet from a new address (a spoofed source, or a client behind a NAT that
/// rebound) gets a challenge no larger than itself, never a snapshot; only an answer from that address
/// moves the stream there.
@Suite struct PathValidationTests {
    /// A raw UDP socket that keeps every datagram it receives and wakes whoever waits for one.
    final class Inbox: ChannelInboundHandler, Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        private let state = NIOLockedValueBox<(datagrams: [ByteBuffer], waiters: [CheckedContinuation<Void, Never>])>(([], []))

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let datagram = self.unwrapInboundIn(data).data
            self.state.withLockedValue { $0.datagrams.append(datagram) }
            self.wakeWaiters()
        }

        private func wakeWaiters() {
            let waiters = self.state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
                defer { state.waiters.removeAll() }
                return state.waiters
            }
            for waiter in waiters { waiter.resume() }
        }

        var datagrams: [ByteBuffer] { self.state.withLockedValue { $0.datagrams } }

        struct NothingArrived: Error, CustomStringConvertible {
            var description: String { "no matching datagram within the hang guard" }
        }

        /// Waits until a datagram satisfying `match` has arrived and returns it; throws after `limit`,
        /// a hang guard (a starved machine takes seconds, not a minute).
        func next(where match: (ByteBuffer) -> Bool, within limit: TimeAmount = .seconds(60)) async throws -> ByteBuffer {
            let deadline = NIODeadline.now() + limit
            let guardTimer = MultiThreadedEventLoopGroup.singleton.next().scheduleTask(deadline: deadline) { self.wakeWaiters() }
            defer { guardTimer.cancel() }
            while true {
                if let found = self.datagrams.first(where: match) { return found }
                guard NIODeadline.now() < deadline else { throw NothingArrived() }
                await withCheckedContinuation { continuation in
                    let arrived = self.state.withLockedValue { state -> Bool in
                        if state.datagrams.contains(where: match) || NIODeadline.now() >= deadline { return true }
                        state.waiters.append(continuation)
                        return false
                    }
                    if arrived { continuation.resume() }
                }
            }
        }
    }

    @Test("a new address gets only a challenge no larger than what came from it, and the stream moves only once it answers")
    func newAddressIsChallengedBeforeAnySnapshot() async throws {
        // A match far longer than the test (which stops it), so a starved machine cannot end it first.
        let server = try await TestServer.start { $0.match = MatchSettings(durationSeconds: 120, seed: 3) }
        let match = try await server.twoPlayerMatch(transport: .udp, roomName: "paths")
        let (playA, playB) = try await match.play()

        let inbox = Inbox()
        let elsewhere = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { $0.pipeline.addHandler(inbox) }
            .bind(host: "127.0.0.1", port: 0).get()
        let target = try SocketAddress(ipAddress: "127.0.0.1", port: Int(match.startB.udpPort))

        // Bob's key in another socket's hands (what a spoofing client has): packets sequenced ahead of
        // Bob's real ones, so the server takes them as the newest.
        var moved = RealtimeConnection(sessionID: match.startB.sessionID, keyBytes: match.startB.sessionKey)
        for _ in 0..<2_000 { _ = moved.seal(type: .keepalive, payload: ByteBuffer(), now: 0) }
        let input = moved.seal(type: .input, payload: InputMessage(newestSequence: 5_000, inputs: [InputCommand(moveX: 50)]).encoded(), now: 1)
        #expect(input.readableBytes == PathChallenge.packetSize, "a one-input packet is as large as a challenge")
        var sentBytes = input.readableBytes
        try await elsewhere.writeAndFlush(AddressedEnvelope(remoteAddress: target, data: input))

        // The answer: one challenge, no larger than the packet, authentic for Bob's session.
        let challengePacket = try await inbox.next { $0.packetTypeByte == PacketType.challenge.rawValue }
        #expect(challengePacket.readableBytes <= input.readableBytes)
        guard case .accepted(.challenge, let payload, _) = moved.open(challengePacket, now: 2) else {
            Issue.record("the challenge did not open with the session key")
            return
        }
        let token = try PathChallenge.decode(payload)

        // A second packet from the unvalidated address: still nothing but challenges, never more bytes
        // than it sent (a keepalive is smaller than a challenge, so it gets nothing at all).
        let keepalive = moved.seal(type: .keepalive, payload: ByteBuffer(), now: 3)
        sentBytes += keepalive.readableBytes
        try await elsewhere.writeAndFlush(AddressedEnvelope(remoteAddress: target, data: keepalive))
        // Bob's real client keeps receiving snapshots meanwhile: wait for a few more to be sure the
        // server went on ticking while the new address waited.
        let before = inbox.datagrams.count
        let received = inbox.datagrams.reduce(0) { $0 + $1.readableBytes }
        #expect(received <= sentBytes, "an unvalidated address got \(received) bytes for \(sentBytes) sent")
        #expect(inbox.datagrams.allSatisfy { $0.packetTypeByte == PacketType.challenge.rawValue })

        // The answer from that address validates it: snapshots follow it there.
        let response = moved.seal(type: .response, payload: token.encoded(), now: 4)
        try await elsewhere.writeAndFlush(AddressedEnvelope(remoteAddress: target, data: response))
        let snapshot = try await inbox.next { $0.packetTypeByte == PacketType.snapshot.rawValue }
        #expect(moved.open(snapshot, now: 5).isAcceptedSnapshot, "Bob's stream now comes to the validated address")
        #expect(inbox.datagrams.count > before)

        playA.end(.stopped)
        playB.end(.stopped)
        _ = try await playA.finished()
        _ = try await playB.finished()
        await match.alice.close()
        await match.bob.close()
        try await elsewhere.close()
        try await server.stop()
    }
}

extension ByteBuffer {
    /// The type nibble of a realtime packet's first byte, read without authenticating it.
    var packetTypeByte: UInt8? { self.getInteger(at: self.readerIndex, as: UInt8.self).map { $0 & 0x0F } }
}

extension OpenResult {
    var isAcceptedSnapshot: Bool {
        if case .accepted(.snapshot, _, _) = self { return true }
        return false
    }
}
