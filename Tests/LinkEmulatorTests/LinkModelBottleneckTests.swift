import LinkEmulator
import Testing

@Suite("Rate limit and queue")
struct LinkModelBottleneckTests {
    @Test("a burst is serialized at the rate")
    func serialization() {
        // 1000 bytes at 1 Mbit/s take exactly 8 ms.
        var model = LinkModel(profile: ImpairmentProfile(latency: .milliseconds(10), rateBitsPerSecond: 1_000_000), seed: 31)
        let dues = (0..<10).map { _ in model.submit(size: 1_000, at: .zero).due! }
        #expect(dues == (1...10).map { .milliseconds(10) + .milliseconds(8) * $0 })
        // After the link drains, a packet goes straight through.
        #expect(model.submit(size: 500, at: .seconds(1)).due == .seconds(1) + .milliseconds(14))
    }

    @Test("deliveries never exceed the rate and a full queue tail-drops")
    func queueOverflow() {
        let rate = 1_000_000
        let limit = 10_000
        var model = LinkModel(profile: ImpairmentProfile(rateBitsPerSecond: rate, queueLimitBytes: limit), seed: 32)
        // Offer twice the capacity for one second: 1000-byte packets every 4 ms.
        let sent = model.run(count: 250, size: 1_000, every: .milliseconds(4))
        let delivered = sent.filter { !$0.decision.isDropped }
        let dropped = sent.filter { $0.decision.dropReason == .queueOverflow }

        #expect(dropped.count > 0)
        #expect(model.counters.droppedQueue == dropped.count)
        #expect(delivered.count + dropped.count == sent.count)
        let dues = delivered.map { $0.decision.due! }
        for (earlier, later) in zip(dues, dues.dropFirst()) {
            #expect(later - earlier >= .milliseconds(8))
        }
        // Bytes delivered by any time t never exceed rate * t / 8.
        for (count, due) in dues.enumerated() {
            #expect(Double((count + 1) * 1_000) <= due.milliseconds / 1000 * Double(rate) / 8 + 1e-6)
        }
        // No packet waits longer than a full queue plus itself takes to drain.
        let maxWait = Duration.seconds((limit + 1_000) * 8) / rate
        #expect(delivered.allSatisfy { $0.decision.due! - $0.at <= maxWait })
        // About half gets through: 125 packets of capacity plus what the queue still holds.
        #expect((125...137).contains(delivered.count))
    }

    @Test("the queue limit is exact: a packet that just fits is accepted")
    func exactLimit() {
        var model = LinkModel(profile: ImpairmentProfile(rateBitsPerSecond: 1_000_000, queueLimitBytes: 4_000), seed: 33)
        let decisions = (0..<5).map { _ in model.submit(size: 1_000, at: .zero) }
        #expect(decisions.prefix(4).allSatisfy { !$0.isDropped })
        #expect(decisions[4].dropReason == .queueOverflow)
        // Once one packet has left, there is room for one more.
        #expect(!model.submit(size: 1_000, at: .milliseconds(8)).isDropped)
        #expect(model.submit(size: 1_000, at: .milliseconds(8)).dropReason == .queueOverflow)
    }
}
