import NIOCore
import NetcodeProtocol

/// What happened on one lobby connection, in the order it happened: the channel handler turns bytes into
/// these on the event loop, and ``LobbyConnectionQueue`` hands them to the connection's worker one at a time.
enum LobbyConnectionEvent: Sendable {
    /// The connection is up: ask the lobby to admit it. Always the first event.
    case open
    case message(ClientMessage)
    /// A whole message with an enumerated field out of range (PROTOCOL.md 1.2): only it is refused.
    case outOfRange(field: String, value: UInt64)
    /// A realtime packet after hello: it goes to the match host, not through the lobby's actor.
    case realtime(ByteBuffer)
    /// The connection ends; always the last event, exactly once.
    case end(LobbyConnectionEnding)
}

/// Why a lobby connection ends.
enum LobbyConnectionEnding: Sendable {
    /// The client closed (or half-closed) its side, or the channel went down.
    case closed
    /// More frames than the flood limit allows.
    case flooding
    /// A frame whose payload is no message (unknown type, truncated, invalid value).
    case badMessage(LobbyDecodingError)
    /// The framing itself is broken (too large, empty).
    case badFrame(LobbyFrameError)
    /// Any other error on the channel (a reset, for example).
    case failed(any Error)
}

/// Serves one connection's events. ``LobbyConnectionQueue`` never calls ``handle(_:)`` again before the
/// previous call returned, so a worker sees its connection's events in order and one at a time.
protocol LobbyConnectionWorker: AnyObject, Sendable {
    func handle(_ event: LobbyConnectionEvent) async
    /// The backlog drained after the queue asked the handler to stop reading: read from the socket again.
    func resumeReading()
}
