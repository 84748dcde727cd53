import LinkEmulator
import Testing

@Suite("Latency, jitter and reordering")
struct LinkModelDelayTests {
    let latency = Duration.milliseconds(50)
    let jitter = Duration.milliseconds(10)

    @Test("delays stay within latency ± jitter and average the latency")
    func delaysWithinJitter() {
        var model = LinkModel(profile: ImpairmentProfile(latency: latency, jitter: jitter), seed: 21)
        // Packets further apart than twice the jitter never wait for each other.
        let sent = model.run(count: 100_000, every: .milliseconds(25))
        let delays = sent.map { ($0.decision.due! - $0.at).milliseconds }
        #expect(delays.allSatisfy { (40.0...60.0).contains($0) })
        // Uniform spread: standard deviation jitter/sqrt(3), so the mean is within 5 of those over sqrt(n).
        let meanBound = 5 * 10 / (3.0 * Double(delays.count)).squareRoot()
        #expect(abs(Stats.mean(delays) - 50) <= meanBound)
        // The whole range is used, so jitter is really applied.
        #expect(delays.min()! < 40.1 && delays.max()! > 59.9)
    }

    @Test("jitter never reorders: each packet waits for the one before it")
    func fifo() {
        var model = LinkModel(profile: ImpairmentProfile(latency: latency, jitter: jitter), seed: 22)
        let sent = model.run(count: 50_000, every: .milliseconds(2))
        var previousDue = Duration.zero
        var waited = 0
        for packet in sent {
            let due = packet.decision.due!
            #expect(due >= packet.at + latency - jitter)
            #expect(due <= packet.at + latency + jitter)
            #expect(due >= previousDue)
            // Jitter samples are nanosecond-grained, so equal times mean a packet waited for the one before.
            if due == previousDue { waited += 1 }
            previousDue = due
        }
        #expect(waited > 0)
        #expect(model.counters.reordered == 0)
    }

    @Test("held-back packets arrive reorderDelay late and are overtaken by later ones")
    func reorder() {
        let profile = ImpairmentProfile(latency: .milliseconds(100), reorder: 0.04, reorderDelay: .milliseconds(50))
        var model = LinkModel(profile: profile, seed: 23)
        let sent = model.run(count: 20_000, every: .milliseconds(10))
        var overtaken = 0
        for (position, packet) in sent.enumerated() {
            let delay = packet.decision.due! - packet.at
            #expect(delay == (packet.decision.isReordered ? .milliseconds(150) : .milliseconds(100)))
            if packet.decision.isReordered {
                let later = sent[(position + 1)...].prefix(10)
                overtaken += later.filter { $0.decision.due! < packet.decision.due! }.count
            }
        }
        let reordered = sent.filter(\.decision.isReordered).count
        #expect(reordered > 0)
        #expect(overtaken > 0)
        #expect(model.counters.reordered == reordered)
    }

    @Test("with jitter and reordering, only held-back packets break the order")
    func reorderWithJitter() {
        let profile = ImpairmentProfile(latency: latency, jitter: jitter, reorder: 0.1, reorderDelay: .milliseconds(40))
        var model = LinkModel(profile: profile, seed: 24)
        let sent = model.run(count: 20_000, every: .milliseconds(3))
        let inOrder = sent.filter { !$0.decision.isReordered }.map { $0.decision.due! }
        #expect(inOrder == inOrder.sorted())
        let all = sent.map { $0.decision.due! }
        #expect(all != all.sorted())
    }

    @Test("a duplicate draws its own jitter and keeps the order")
    func duplicateDelay() {
        let profile = ImpairmentProfile(latency: latency, jitter: jitter, duplicate: 1)
        var model = LinkModel(profile: profile, seed: 25)
        let sent = model.run(count: 1_000, every: .milliseconds(100))
        var differs = 0
        for packet in sent {
            let due = packet.decision.due!
            let copy = packet.decision.duplicateDue!
            #expect(copy >= due)
            #expect(copy <= packet.at + latency + jitter)
            if copy != due { differs += 1 }
        }
        // The copy's own delay is later than the original's about half the time; otherwise it waits for it.
        #expect((400...600).contains(differs))
    }

    @Test("jitter larger than the latency never gives a negative delay")
    func noNegativeDelay() {
        var model = LinkModel(profile: ImpairmentProfile(latency: .milliseconds(1), jitter: .milliseconds(5)), seed: 26)
        let sent = model.run(count: 10_000, every: .milliseconds(20))
        #expect(sent.allSatisfy { $0.decision.due! >= $0.at })
        #expect(sent.contains { $0.decision.due! == $0.at })
    }
}
