import Foundation
import LinkEmulator
import NIOCore
import NIOEmbedded
import Testing

@Suite("DatagramImpairmentHandler on EmbeddedChannel")
struct DatagramImpairmentHandlerTests {
    typealias Envelope = AddressedEnvelope<ByteBuffer>

    let peer = try! SocketAddress(ipAddress: "127.0.0.1", port: 40_000)

    func datagram(_ text: String) -> Envelope {
        Envelope(remoteAddress: self.peer, data: ByteBuffer(string: text))
    }

    func makeChannel(inbound: ImpairmentProfile, outbound: ImpairmentProfile = .none, seed: UInt64 = 1) throws -> (EmbeddedChannel, DatagramImpairmentHandler) {
        let handler = DatagramImpairmentHandler(inbound: inbound, outbound: outbound, seed: seed)
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(handler)
        return (channel, handler)
    }

    func readAllInbound(_ channel: EmbeddedChannel) throws -> [String] {
        var texts: [String] = []
        while let envelope = try channel.readInbound(as: Envelope.self) {
            texts.append(String(buffer: envelope.data))
        }
        return texts
    }

    func readAllOutbound(_ channel: EmbeddedChannel) throws -> [String] {
        var texts: [String] = []
        while let envelope = try channel.readOutbound(as: Envelope.self) {
            texts.append(String(buffer: envelope.data))
        }
        return texts
    }

    @Test("inbound datagrams wait until their latency has passed")
    func inboundDelay() throws {
        let (channel, handler) = try makeChannel(inbound: ImpairmentProfile(latency: .milliseconds(50)))
        try channel.writeInbound(datagram("one"))
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(20))
        try channel.writeInbound(datagram("two"))
        #expect(try readAllInbound(channel).isEmpty)
        #expect(handler.pendingInbound == 2)

        channel.embeddedEventLoop.advanceTime(by: .milliseconds(29))
        #expect(try readAllInbound(channel).isEmpty)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(1))
        #expect(try readAllInbound(channel) == ["one"])
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(20))
        #expect(try readAllInbound(channel) == ["two"])
        #expect(handler.pendingInbound == 0)
        #expect(handler.inboundCounters.delivered == 2)
        _ = try channel.finish()
    }

    @Test("outbound datagrams wait too, and their write promise completes when they leave")
    func outboundDelay() throws {
        let (channel, handler) = try makeChannel(inbound: .none, outbound: ImpairmentProfile(latency: .milliseconds(30)))
        let promise = channel.embeddedEventLoop.makePromise(of: Void.self)
        channel.writeAndFlush(datagram("hello"), promise: promise)
        #expect(try readAllOutbound(channel).isEmpty)
        var completed = false
        promise.futureResult.assumeIsolated().whenSuccess { completed = true }
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(29))
        #expect(!completed)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(1))
        #expect(try readAllOutbound(channel) == ["hello"])
        #expect(completed)
        #expect(handler.outboundCounters.delivered == 1)
        _ = try channel.finish()
    }

    @Test("dropped datagrams never appear; what arrives matches the counters")
    func drops() throws {
        let (channel, handler) = try makeChannel(inbound: ImpairmentProfile(loss: 0.3, latency: .milliseconds(10)), seed: 7)
        for index in 0..<1_000 {
            try channel.writeInbound(datagram("\(index)"))
        }
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        let received = try readAllInbound(channel)
        let counters = handler.inboundCounters
        #expect(counters.droppedRandom > 200 && counters.droppedRandom < 400)
        #expect(received.count == 1_000 - counters.droppedRandom)
        #expect(received.map { Int($0)! } == received.map { Int($0)! }.sorted())
        #expect(handler.pendingInbound == 0)
        _ = try channel.finish()
    }

    @Test("a lost outbound datagram still completes its write promise")
    func outboundLossSucceeds() throws {
        let (channel, handler) = try makeChannel(inbound: .none, outbound: ImpairmentProfile(loss: 1))
        let future = channel.writeAndFlush(datagram("gone"))
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(try readAllOutbound(channel).isEmpty)
        #expect(throws: Never.self) { try future.wait() }
        #expect(handler.outboundCounters.droppedRandom == 1)
        _ = try channel.finish()
    }

    @Test("duplicated datagrams appear twice, both ways")
    func duplicates() throws {
        let profile = ImpairmentProfile(latency: .milliseconds(5), jitter: .milliseconds(2), duplicate: 1)
        let (channel, handler) = try makeChannel(inbound: profile, outbound: profile)
        try channel.writeInbound(datagram("in"))
        channel.writeAndFlush(datagram("out"), promise: nil)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(100))
        #expect(try readAllInbound(channel) == ["in", "in"])
        #expect(try readAllOutbound(channel) == ["out", "out"])
        #expect(handler.inboundCounters.duplicated == 1 && handler.outboundCounters.duplicated == 1)
        _ = try channel.finish()
    }

    @Test("each datagram comes out at the time its model gives, in order despite jitter")
    func releaseTimes() throws {
        let profile = ImpairmentProfile(latency: .milliseconds(40), jitter: .milliseconds(30))
        var twin = LinkModel(profile: profile, seed: 9)
        let handler = DatagramImpairmentHandler(inbound: LinkModel(profile: profile, seed: 9), outbound: LinkModel(profile: .none, seed: 0))
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(handler)

        var dues: [Duration] = []
        var received: [Int] = []
        for millisecond in 0..<700 {
            let now = Duration.milliseconds(millisecond)
            if millisecond % 3 == 0, dues.count < 200 {
                let text = "\(dues.count)"
                dues.append(twin.submit(size: text.utf8.count, at: now).due!)
                try channel.writeInbound(datagram(text))
            }
            received += try readAllInbound(channel).map { Int($0)! }
            #expect(received == dues.indices.filter { dues[$0] <= now }, "at \(millisecond) ms")
            channel.embeddedEventLoop.advanceTime(by: .milliseconds(1))
        }
        #expect(received == Array(0..<200))
        // Delays vary, so the jitter is really there.
        #expect(Set(dues.enumerated().map { $0.element - .milliseconds(3 * $0.offset) }).count > 10)
        _ = try channel.finish()
    }

    @Test("the client side reads downstream and writes upstream")
    func sides() throws {
        let link = LinkProfile(
            name: "asymmetric",
            upstream: ImpairmentProfile(latency: .milliseconds(10)),
            downstream: ImpairmentProfile(latency: .milliseconds(70))
        )
        let handler = DatagramImpairmentHandler(link: link, side: .client, seed: 3)
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(handler)
        try channel.writeInbound(datagram("down"))
        channel.writeAndFlush(datagram("up"), promise: nil)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(10))
        #expect(try readAllOutbound(channel) == ["up"])
        #expect(try readAllInbound(channel).isEmpty)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(60))
        #expect(try readAllInbound(channel) == ["down"])
        _ = try channel.finish()
    }

    @Test("removing the handler passes on what it still holds")
    func removal() throws {
        let profile = ImpairmentProfile(latency: .seconds(10))
        let (channel, handler) = try makeChannel(inbound: profile, outbound: profile)
        try channel.writeInbound(datagram("held-in"))
        channel.writeAndFlush(datagram("held-out"), promise: nil)
        #expect(try readAllInbound(channel).isEmpty)
        try channel.pipeline.syncOperations.removeHandler(handler).wait()
        #expect(try readAllInbound(channel) == ["held-in"])
        #expect(try readAllOutbound(channel) == ["held-out"])
        _ = try channel.finish()
    }

    @Test("closing the channel fails held writes instead of leaking them")
    func closeFailsPending() throws {
        let (channel, handler) = try makeChannel(inbound: .none, outbound: ImpairmentProfile(latency: .seconds(1)))
        let future = channel.writeAndFlush(datagram("late"))
        #expect(handler.pendingOutbound == 1)
        _ = try channel.finish()
        #expect(throws: ChannelError.ioOnClosedChannel) { try future.wait() }
        #expect(handler.pendingOutbound == 0)
    }

    @Test("an injected clock drives the model")
    func injectedClock() throws {
        let clock = ManualClock(start: .uptimeNanoseconds(1_000_000_000_000))
        let handler = DatagramImpairmentHandler(
            inbound: ImpairmentProfile(latency: .milliseconds(5)),
            outbound: .none,
            seed: 1,
            now: { clock.now }
        )
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(handler)
        try channel.writeInbound(datagram("x"))
        // The loop's timer fires, but the injected clock has not moved: still held.
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(5))
        #expect(try readAllInbound(channel).isEmpty)
        clock.advance(by: .milliseconds(5))
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(5))
        #expect(try readAllInbound(channel) == ["x"])
        _ = try channel.finish()
    }
}

/// A clock the test moves by hand.
final class ManualClock: @unchecked Sendable {
    // Only touched from the test's thread; the lock keeps the checker honest if that ever changes.
    private let lock = NSLock()
    private var current: NIODeadline

    init(start: NIODeadline) {
        self.current = start
    }

    var now: NIODeadline {
        self.lock.withLock { self.current }
    }

    func advance(by amount: TimeAmount) {
        self.lock.withLock { self.current = self.current + amount }
    }
}
