import LinkEmulator
import Testing

@Suite("DeliveryQueue")
struct DeliveryQueueTests {
    @Test("pops in due order, equal times in push order")
    func order() {
        var queue = DeliveryQueue<String>()
        queue.push("c", due: .milliseconds(30))
        queue.push("a1", due: .milliseconds(10))
        queue.push("b", due: .milliseconds(20))
        queue.push("a2", due: .milliseconds(10))
        queue.push("a3", due: .milliseconds(10))
        #expect(queue.nextDue == .milliseconds(10))
        #expect(queue.popDue(now: .milliseconds(9)).isEmpty)
        #expect(queue.popDue(now: .milliseconds(20)) == ["a1", "a2", "a3", "b"])
        #expect(queue.count == 1)
        #expect(queue.nextDue == .milliseconds(30))
        #expect(queue.popFirst(dueBy: .milliseconds(29)) == nil)
        #expect(queue.popFirst(dueBy: .milliseconds(30)) == "c")
        #expect(queue.isEmpty && queue.nextDue == nil)
    }

    @Test("matches a stable sort on many random entries")
    func matchesStableSort() {
        var random = SystemRandomNumberGenerator()
        var queue = DeliveryQueue<Int>()
        var entries: [(due: Int, id: Int)] = []
        for id in 0..<5_000 {
            let due = Int.random(in: 0..<200, using: &random)
            entries.append((due, id))
            queue.push(id, due: .milliseconds(due))
        }
        let expected = entries.enumerated().sorted { ($0.element.due, $0.offset) < ($1.element.due, $1.offset) }.map(\.element.id)
        #expect(queue.removeAll() == expected)
        #expect(queue.isEmpty)
    }
}
