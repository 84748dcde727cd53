import NIOCore
import NIOPosix
import Testing
@testable import NetcodeClient

/// Bots that share sockets play each match on one event loop: the server writes a match's snapshots one
/// after another, and they should reach one socket as one run.
@Suite struct SharedSocketLoopTests {
    @Test("every player of a match gets the same loop; the matches spread over all the loops")
    func aMatchPlaysOnOneLoop() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let loops = Array(group.makeIterator()).map { ObjectIdentifier($0) }
        var perLoop: [ObjectIdentifier: Int] = [:]
        var evenOnFirst = 0
        for matchID in UInt64(1)...1000 {
            let chosen = Set((0..<10).map { _ in ObjectIdentifier(RealtimeClient.loop(for: matchID, in: group)) })
            #expect(chosen.count == 1, "match \(matchID)'s ten players on one loop")
            let loop = try #require(chosen.first)
            perLoop[loop, default: 0] += 1
            if matchID % 2 == 0, loop == loops[0] { evenOnFirst += 1 }
        }
        #expect(Set(perLoop.keys) == Set(loops))
        for count in perLoop.values { #expect((400...600).contains(count), "matches spread evenly: \(perLoop)") }
        // Consecutive ids (which the server may place on alternating shards) do not follow their parity.
        #expect((150...350).contains(evenOnFirst), "\(evenOnFirst) of the 500 even ids on the first loop")
        try await group.shutdownGracefully()
    }

    @Test("a group of one loop gives that loop")
    func oneLoop() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let only = ObjectIdentifier(group.next())
        for matchID in UInt64(0)..<5 { #expect(ObjectIdentifier(RealtimeClient.loop(for: matchID, in: group)) == only) }
        try await group.shutdownGracefully()
    }
}
