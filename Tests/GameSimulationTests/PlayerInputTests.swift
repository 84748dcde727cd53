import Testing
@testable import GameSimulation

@Suite struct PlayerInputTests {
    @Test func axesMapToUnitRangeAndMinusOneTwentyEightEqualsMinusOneTwentySeven() {
        #expect(PlayerInput(moveX: 127, moveY: -127).axisX == 1)
        #expect(PlayerInput(moveX: 127, moveY: -127).axisY == -1)
        #expect(PlayerInput(moveX: -128, moveY: -128).axisX == -1)
        #expect(PlayerInput(moveX: -128, moveY: -128).axisY == -1)
        #expect(PlayerInput(moveX: 0, moveY: 64).axisY == Float(64) / 127)
    }

    @Test func idleIsZero() {
        #expect(PlayerInput.idle == PlayerInput(moveX: 0, moveY: 0, buttons: 0))
        #expect(PlayerInput.idle.axisX == 0 && PlayerInput.idle.axisY == 0)
    }
}
