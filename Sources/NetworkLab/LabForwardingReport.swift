/// What ``NetworkLab/measureForwardingRate(duration:payloadBytes:packetsPerSecond:port:)`` measured: UDP
/// from the client side to the server side, as fast as one sending thread can go or at a set rate.
public struct LabForwardingReport: Sendable, Hashable {
    /// How long the flood ran.
    public var duration: Duration = .zero
    /// Datagrams the sender handed to its kernel.
    public var sent = 0
    /// Packets the emulator read from the client side and wrote into the server side.
    public var read = 0
    public var forwarded = 0
    /// Datagrams the receiving socket got.
    public var received = 0
    /// Packets the client side's kernel dropped at the TUN queue because the emulator was busy.
    public var kernelQueueDrops = 0
    /// Packets dropped for lack of emulator buffers, and by the link model on purpose.
    public var droppedNoBuffer = 0
    public var droppedByModel = 0
    /// Deliveries more than 1 ms after their due time, and the worst lateness seen.
    public var lateDeliveries = 0
    public var maximumLateness: Duration = .zero

    public init() {}

    /// Packets per second the emulator forwarded.
    public var forwardedPerSecond: Double {
        let seconds = Double(self.duration.components.seconds) + Double(self.duration.components.attoseconds) * 1e-18
        return seconds > 0 ? Double(self.forwarded) / seconds : 0
    }
}
