import NIOCore
import NetcodeProtocol

extension RealtimeCounters {
    /// Sends one realtime frame of a tcp match on its lobby connection. A frame the connection refuses
    /// (its reader too slow, or gone) is counted as dropped, not sent, and a snapshot among them is
    /// taken off the player's sent count, so tcp results never count what did not leave.
    mutating func send(_ packet: ByteBuffer, over handle: LobbyConnectionHandleReference, for match: MatchRunner) {
        if handle.handle.channel.isActive, handle.send(.realtime(packet)) {
            self.framesSent += 1
            self.bytesSent += UInt64(packet.readableBytes)
        } else {
            self.framesDroppedSlowReader += 1
            match.tcpFrameDropped(packet, connection: handle.connectionID)
        }
    }
}
