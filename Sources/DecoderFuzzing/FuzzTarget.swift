/// The decoders that read bytes or text from outside the process, one case each, as the fuzzers and
/// the corpus-replay test drive them. One definition serves both, so the suite replays exactly what
/// `Fuzz/` fuzzes (docs/HARDENING.md).
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// A TCP byte stream cut into lobby frames, each frame decoded as a client message.
    case lobbyFrames
    /// One lobby frame payload from a client; what decodes must survive encode and decode unchanged.
    case clientMessage
    /// One lobby frame payload from a server (what clients and bots read).
    case serverMessage
    /// A datagram given to `PacketHeader.parse` and `RealtimeConnection.open`, and the same bytes sealed
    /// with the right key so the checks behind the tag and the payload decoders are reached too.
    case realtimeOpen
    /// An input payload; what decodes must survive encode and decode unchanged.
    case inputMessage
    /// A snapshot payload, full or delta against a kept baseline.
    case snapshot
    /// A one-line impairment spec (`--impair`, `loss=5%,latency=40ms`).
    case impairmentSpec
    /// A network (scenario) file, JSON (Simulations/networks/).
    case networkFile

    /// The libFuzzer executable of this target in the `Fuzz/` package.
    public var productName: String { "fuzz-" + self.rawValue }
}

/// A decoder accepted bytes and then broke one of its own promises (for instance a decoded message that
/// does not decode the same after encoding). Crashes are caught by the fuzzer itself; this is the rest.
public struct FuzzInvariantError: Error, CustomStringConvertible {
    public var target: FuzzTarget
    public var what: String
    public var description: String { "\(self.target.rawValue): \(self.what)" }
}
