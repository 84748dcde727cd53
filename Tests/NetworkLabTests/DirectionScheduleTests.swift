import LinkEmulator
import Testing

@testable import NetworkLab

@Suite("Scheduling packets for delivery")
struct DirectionScheduleTests {
    let start = Duration.seconds(1000)

    @Test("a delayed packet is held until its due time, then comes out once")
    func delay() {
        var schedule = DirectionSchedule(profile: ImpairmentProfile(latency: .milliseconds(20)), seed: 1)
        #expect(schedule.offer(7, size: 100, at: self.start) == .scheduled(copies: 1))
        #expect(schedule.nextDue == self.start + .milliseconds(20))
        #expect(schedule.popDue(now: self.start + .milliseconds(19)) == nil)
        #expect(schedule.popDue(now: self.start + .milliseconds(20)) == 7)
        #expect(schedule.popDue(now: self.start + .seconds(1)) == nil)
        #expect(schedule.count == 0)
    }

    @Test("packets with the same due time come out in the order they were offered")
    func fifo() {
        var schedule = DirectionSchedule(profile: ImpairmentProfile(latency: .milliseconds(5)), seed: 1)
        for packet in Int32(0)..<50 {
            _ = schedule.offer(packet, size: 60, at: self.start)
        }
        var order: [Int32] = []
        while let packet = schedule.popDue(now: self.start + .milliseconds(5)) { order.append(packet) }
        #expect(order == Array(0..<50))
    }

    @Test("certain loss drops every packet and holds none")
    func loss() {
        var schedule = DirectionSchedule(profile: ImpairmentProfile(loss: 1), seed: 1)
        for packet in Int32(0)..<10 {
            #expect(schedule.offer(packet, size: 60, at: self.start) == .dropped(.randomLoss))
        }
        #expect(schedule.count == 0)
        #expect(schedule.model.counters.droppedRandom == 10)
    }

    @Test("a duplicated packet is delivered twice")
    func duplicate() {
        var schedule = DirectionSchedule(profile: ImpairmentProfile(latency: .milliseconds(1), duplicate: 1), seed: 3)
        #expect(schedule.offer(4, size: 60, at: self.start) == .scheduled(copies: 2))
        var delivered: [Int32] = []
        while let packet = schedule.popDue(now: self.start + .seconds(1)) { delivered.append(packet) }
        #expect(delivered == [4, 4])
    }

    @Test("a held-back packet is overtaken by the next one")
    func reorder() {
        // Every packet is held back 10 ms, so offering 10 ms apart keeps order and 1 ms apart does not:
        // use a 50% chance and look for at least one overtaking.
        var schedule = DirectionSchedule(
            profile: ImpairmentProfile(latency: .milliseconds(2), reorder: 0.5, reorderDelay: .milliseconds(10)),
            seed: 11
        )
        for packet in Int32(0)..<40 {
            _ = schedule.offer(packet, size: 60, at: self.start + .milliseconds(Int64(packet)))
        }
        var delivered: [Int32] = []
        while let packet = schedule.popDue(now: self.start + .seconds(1)) { delivered.append(packet) }
        #expect(delivered.sorted() == Array(0..<40))
        #expect(delivered != Array(0..<40))
    }

    @Test("the same seed gives the same fate to the same packets")
    func deterministic() {
        let profile = ImpairmentProfile(loss: 0.3, latency: .milliseconds(20), jitter: .milliseconds(5), duplicate: 0.1)
        func run(seed: UInt64) -> [DirectionSchedule.Outcome] {
            var schedule = DirectionSchedule(profile: profile, seed: seed)
            return (Int32(0)..<200).map { schedule.offer($0, size: 100, at: self.start + .milliseconds(Int64($0))) }
        }
        #expect(run(seed: 42) == run(seed: 42))
        #expect(run(seed: 42) != run(seed: 43))
    }

    @Test("the two directions of a lab get different seeds, fixed by the lab's seed")
    func directionSeeds() {
        let one = LabConfiguration(seed: 5).directionSeeds
        let again = LabConfiguration(seed: 5).directionSeeds
        let other = LabConfiguration(seed: 6).directionSeeds
        #expect(one.upstream != one.downstream)
        #expect(one.upstream == again.upstream && one.downstream == again.downstream)
        #expect(one.upstream != other.upstream)
    }
}
