/// Error codes carried by the server's `error` message. Codes are stable: clients may switch on them.
/// Which of them end the connection is listed in docs/PROTOCOL.md, section 1.6.
public enum LobbyErrorCode: UInt16, Sendable, Hashable, CaseIterable {
    case unsupportedVersion = 1
    case malformedMessage = 2
    case frameTooLarge = 3
    case helloRequired = 4
    case notLoggedIn = 5
    case alreadyLoggedIn = 6
    case nameTaken = 7
    case badCredentials = 8
    case rateLimited = 9
    case invalidName = 10
    case weakPassword = 11
    case roomNotFound = 12
    case roomFull = 13
    case notInRoom = 14
    case alreadyInRoom = 15
    case roomInMatch = 16
    case serverFull = 17
    case idleTimeout = 18
    case flooding = 19
    case invalidArgument = 20
    case unknownMessage = 21
    case internalError = 22
    case slowConsumer = 23
    case notInMatch = 24
    /// Every realtime shard is over its tick budget: the room's match waits and starts when capacity
    /// frees up. The connection stays open.
    case serverBusy = 25
    /// An operator removed the player (`netcode admin kick`); the connection is closed after it.
    case kicked = 26
}
