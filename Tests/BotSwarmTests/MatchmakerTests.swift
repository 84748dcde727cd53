import Testing
@testable import BotSwarm

@Suite struct MatchmakerTests {
    @Test func groupsArrivalsIntoRoomsOfTheGivenSize() async {
        let matchmaker = Matchmaker(roomSize: 3)
        #expect(await matchmaker.assign() == .create(group: 0))
        async let second = matchmaker.assign()
        async let third = matchmaker.assign()
        await matchmaker.created(group: 0, roomID: 41)
        #expect(await second == .join(roomID: 41))
        #expect(await third == .join(roomID: 41))
        #expect(await matchmaker.assign() == .create(group: 1), "the fourth bot opens the next room")
    }

    @Test func joinersRetryWhenTheCreatorFails() async {
        let matchmaker = Matchmaker(roomSize: 2)
        #expect(await matchmaker.assign() == .create(group: 0))
        async let joiner = matchmaker.assign()
        await matchmaker.failed(group: 0)
        #expect(await joiner == .retry)
    }
}
