import Logging
import NIOCore
import NetcodeProtocol

/// What the lobby needs from the part of the server that runs matches.
public protocol MatchHosting: Sendable {
    /// Allocates and starts a match for a room whose players are all ready. Returns each player's
    /// realtime credentials by account id. When the match ends the host calls
    /// ``LobbyService/matchEnded(roomID:matchID:standings:)``.
    func startMatch(_ launch: MatchLaunch) async throws -> [UInt64: MatchStart]
    /// A player left the room (or disconnected, or was kicked) during its match; the player's realtime
    /// session is told `reason`.
    func playerLeft(roomID: UInt32, accountID: UInt64, reason: DisconnectMessage.Reason) async
    /// A player's lobby connection dropped during the match and the seat is held: the player idles and
    /// does not time out until ``rejoin(roomID:accountID:connection:)`` or ``playerLeft(roomID:accountID:reason:)``.
    /// `connection` is the lobby connection that dropped: a detach for a player already back on another
    /// connection is ignored.
    func playerDetached(roomID: UInt32, accountID: UInt64, connection: ConnectionID) async
    /// The player is back (logged in again on `connection`): a fresh session with a new key, whose
    /// first snapshot is a full one. `nil` when the match (or the player's place in it) is gone.
    func rejoin(roomID: UInt32, accountID: UInt64, connection: ConnectionID) async -> MatchStart?
    /// A realtime packet that arrived over a lobby connection (matches whose transport is TCP).
    func receivedRealtimeFrame(_ packet: ByteBuffer, from connection: ConnectionID) async
}

/// The lobby's driver: owns ``LobbyState`` and the open connections, and carries out the state's actions.
///
/// Password work and database calls run outside the actor, so one slow login never holds up the room
/// traffic of everyone else.
public actor LobbyService {
    var state: LobbyState
    var connections: [ConnectionID: LobbyConnectionHandle] = [:]
    private var connectionsByAddress: [String: Int] = [:]
    private var frameLimits: [ConnectionID: LobbyFrameLimit] = [:]
    private var nextConnectionID: ConnectionID = 1
    private let authenticator: Authenticator
    let logger: Logger
    var matchHost: (any MatchHosting)?
    private var shuttingDown = false
    /// Matches waiting for realtime capacity, by room, while their launch sleeps between tries: a drain
    /// or a shutdown gives them up at once (``giveUpWaitingMatches(because:)``) rather than letting one
    /// start on a server that is going away.
    var capacityWaits: [UInt32: MatchLaunch] = [:]
    /// Every task the lobby starts (password checks, match hand-offs, held seats' grace timers); the
    /// server's shutdown cancels the timers and waits for all of them.
    nonisolated let tasks = TaskTracker()
    /// How long a seat is held for a player whose connection dropped during a match.
    let reconnectGrace: Duration
    let metrics: ServerMetrics?

    /// Rooms one untrusted address may have members in at once (it creates no more beyond that).
    private let maximumRoomsPerAddress: Int
    private let trustedAddresses: Set<String>

    init(state: LobbyState, authenticator: Authenticator, maximumRoomsPerAddress: Int = 4, trustedAddresses: Set<String> = ServerConfiguration.loopbackAddresses, reconnectGrace: Duration = .zero, metrics: ServerMetrics? = nil, logger: Logger) {
        self.state = state
        self.reconnectGrace = reconnectGrace
        self.metrics = metrics
        self.authenticator = authenticator
        self.maximumRoomsPerAddress = maximumRoomsPerAddress
        self.trustedAddresses = trustedAddresses
        self.logger = logger
    }

    public func setMatchHost(_ host: any MatchHosting) {
        self.matchHost = host
    }

    /// Forgets the match host once the server has stopped. The host (the match director) holds the
    /// lobby too: the pair would otherwise keep each other alive, with every shard and its event loop,
    /// in a process that runs servers one after another (the tests, `netcode demo`, the lab's points).
    public func clearMatchHost() {
        self.matchHost = nil
    }

    public var connectionCount: Int { self.connections.count }

    enum Admission {
        case opened(LobbyConnectionHandle)
        /// Refused with `serverFull` and this message.
        case refused(String)
    }

    /// Registers a new connection, or says why not: the server is at its limit or going away, or the
    /// address already holds `maximumPerAddress` connections (unless it is trusted).
    func open(channel: any Channel, address: String, frameLimit: LobbyFrameLimit? = nil, maximumConnections: Int, maximumPerAddress: Int, trustedAddresses: Set<String>) -> Admission {
        guard !self.shuttingDown, self.connections.count < maximumConnections else {
            return .refused("the server is full or shutting down; try again later")
        }
        let fromAddress = self.connectionsByAddress[address, default: 0]
        guard trustedAddresses.contains(address) || fromAddress < maximumPerAddress else {
            return .refused("too many connections from \(address) (at most \(maximumPerAddress)); close one first")
        }
        let id = self.nextConnectionID
        self.nextConnectionID += 1
        let handle = LobbyConnectionHandle(id: id, channel: channel, address: address)
        self.connections[id] = handle
        self.connectionsByAddress[address] = fromAddress + 1
        if let frameLimit { self.frameLimits[id] = frameLimit }
        self.state.connected(id)
        return .opened(handle)
    }

    func received(_ message: ClientMessage, from id: ConnectionID) {
        if case .createRoom = message, let refusal = self.roomLimitRefusal(for: id) {
            self.perform([.send(id, refusal)])
            return
        }
        self.perform(self.state.received(message, from: id))
    }

    /// A message whose enumerated field held a value it does not define (see
    /// ``LobbyState/receivedOutOfRange(field:value:from:)``).
    func receivedOutOfRange(field: String, value: UInt64, from id: ConnectionID) {
        self.perform(self.state.receivedOutOfRange(field: field, value: value, from: id))
    }

    /// The per-address room cap, which the state can't check: it knows connections, not addresses.
    private func roomLimitRefusal(for id: ConnectionID) -> ServerMessage? {
        guard let address = self.connections[id]?.address, !self.trustedAddresses.contains(address),
              self.state.account(of: id) != nil, self.state.connections[id]?.roomID == nil
        else { return nil }
        let fromAddress = Set(self.connections.values.filter { $0.address == address }.map(\.id))
        guard self.state.roomCount(withMembersAmong: fromAddress) >= self.maximumRoomsPerAddress else { return nil }
        return .error(code: .serverFull, message: "\(address) is in \(self.maximumRoomsPerAddress) rooms already, the most one address may be in; join one or leave one first")
    }

    func closed(_ id: ConnectionID) {
        guard let handle = self.connections.removeValue(forKey: id) else { return }
        self.frameLimits[id] = nil
        let remaining = self.connectionsByAddress[handle.address, default: 1] - 1
        self.connectionsByAddress[handle.address] = remaining > 0 ? remaining : nil
        self.perform(self.state.disconnected(id))
    }

    /// The account behind a connection, for the match host's TCP realtime routing.
    public func account(of connection: ConnectionID) -> LobbyAccount? {
        self.state.account(of: connection)
    }

    /// A thread-safe reference to a connection that the match host may keep and write realtime frames to
    /// without going through the actor on every tick.
    public func reference(for connection: ConnectionID) -> LobbyConnectionHandleReference? {
        self.connections[connection].map(LobbyConnectionHandleReference.init)
    }

    public func matchEnded(roomID: UInt32, matchID: UInt64, standings: [MatchStanding]) {
        self.perform(self.state.matchEnded(roomID: roomID, matchID: matchID, standings: standings))
    }

    /// Stops taking new connections, tells every client the server is going away and closes them.
    func beginShutdown(reason: String) {
        self.shuttingDown = true
        self.giveUpWaitingMatches(because: "the server is shutting down")
        for handle in self.connections.values {
            handle.close(after: .goingAway(reason: reason))
        }
    }

    /// Closes every connection still open (the end of the shutdown grace period).
    func closeAll() {
        for handle in self.connections.values { handle.close(after: nil) }
    }

    func perform(_ actions: [LobbyState.Action]) {
        for action in actions {
            switch action {
            case .send(let id, let message):
                guard let handle = self.connections[id] else { continue }
                if !handle.send(message) {
                    self.logger.warning("closing slow lobby client", metadata: ["connection": "\(id)"])
                    handle.close(after: nil)
                }
            case .close(let id, let message):
                self.connections[id]?.close(after: message)
            case .authenticate(let id, let request):
                guard let handle = self.connections[id] else { continue }
                let authenticator = self.authenticator
                self.tasks.spawn {
                    let outcome = await authenticator.authenticate(request, from: handle.address)
                    await self.finishAuthentication(id, outcome: outcome)
                }
            case .startMatch(let launch):
                // A timer: while it waits for capacity, shutdown cancels it and the room opens again.
                self.tasks.spawn(.timer) { await self.launch(launch) }
            case .leaveMatch(let roomID, let accountID, let reason):
                if let host = self.matchHost {
                    self.tasks.spawn { await host.playerLeft(roomID: roomID, accountID: accountID, reason: reason) }
                }
            case .detachFromMatch(let roomID, let accountID, let connection):
                self.logger.info("lobby connection lost during a match; seat held", metadata: ["account": "\(accountID)", "grace": "\(self.reconnectGrace)"])
                if let host = self.matchHost {
                    self.tasks.spawn { await host.playerDetached(roomID: roomID, accountID: accountID, connection: connection) }
                }
            case .holdSeat(let accountID, let token):
                let grace = self.reconnectGrace
                // Cancelled by shutdown: the grace ends with the server and the seat is given up as when
                // it runs out, so the match hears the player left.
                self.tasks.spawn(.timer) {
                    try? await Task.sleep(for: grace)
                    await self.seatExpired(accountID: accountID, token: token)
                }
            case .rejoinMatch(let roomID, let accountID, let connection):
                self.tasks.spawn { await self.rejoin(roomID: roomID, accountID: accountID, connection: connection) }
            }
        }
    }

    private func finishAuthentication(_ id: ConnectionID, outcome: Authenticator.Outcome) {
        switch outcome {
        case .success(let account, let newAccount):
            self.metrics?.logins(.ok)
            self.perform(self.state.authenticationSucceeded(id, account: account, newAccount: newAccount))
            if self.state.account(of: id) != nil { self.frameLimits[id]?.raise() }
        case .failure(let code, let message):
            self.metrics?.logins(code == .rateLimited || code == .serverFull ? .limited : .failed)
            self.perform(self.state.authenticationFailed(id, code: code, message: message))
        }
    }

    /// How long a ready room waits for realtime capacity before it is opened again.
    static let maximumCapacityWait = Duration.seconds(60)

    private func launch(_ launch: MatchLaunch) async {
        guard let host = self.matchHost else {
            self.logger.error("a room is ready but this server runs no matches", metadata: ["room": "\(launch.roomID)"])
            self.perform(self.state.matchEnded(roomID: launch.roomID, matchID: 0, standings: []))
            return
        }
        var told = false
        let began = ContinuousClock.now
        while true {
            guard !Task.isCancelled else {
                // The server stops: the match never starts and the room opens again.
                self.perform(self.state.matchEnded(roomID: launch.roomID, matchID: 0, standings: []))
                return
            }
            do {
                let starts = try await host.startMatch(launch)
                self.metrics?.matchesStarted.increment()
                for player in launch.players {
                    guard let start = starts[player.account.id], let handle = self.connections[player.connection] else { continue }
                    handle.send(.matchStarting(start))
                }
                return
            } catch let error as MatchDirector.PlacementError {
                // A drain or shutdown began while the match was being placed: it will not wait for capacity.
                guard !self.state.isDraining, !self.shuttingDown else {
                    self.giveUp(launch, because: self.shuttingDown ? "the server is shutting down" : "the server is draining before a restart")
                    return
                }
                // Overload is refused at the door: the match waits rather than slowing every running one.
                if !told {
                    told = true
                    self.logger.notice("a match waits for realtime capacity", metadata: ["room": "\(launch.roomID)", "reason": "\(error)"])
                    for player in launch.players {
                        self.connections[player.connection]?.send(.error(code: .serverBusy, message: "the server is at capacity (\(error)); your match starts as soon as a shard frees up"))
                    }
                }
                self.capacityWaits[launch.roomID] = launch
                try? await Task.sleep(for: .seconds(1))
                guard self.capacityWaits.removeValue(forKey: launch.roomID) != nil else {
                    // A drain or shutdown gave the match up while it waited; its players were told.
                    return
                }
                guard self.state.isWaitingToStart(launch) else {
                    // A player left while the match waited: the room opens again, nothing was played.
                    self.perform(self.state.matchEnded(roomID: launch.roomID, matchID: 0, standings: []))
                    return
                }
                guard ContinuousClock.now - began < Self.maximumCapacityWait else {
                    self.logger.notice("a waiting match was given up", metadata: ["room": "\(launch.roomID)"])
                    for player in launch.players {
                        self.connections[player.connection]?.send(.error(code: .serverBusy, message: "the server stayed at capacity; ready again to retry"))
                    }
                    self.perform(self.state.matchEnded(roomID: launch.roomID, matchID: 0, standings: []))
                    return
                }
            } catch {
                self.logger.error("could not start a match", metadata: ["room": "\(launch.roomID)", "error": "\(error)"])
                for player in launch.players {
                    self.connections[player.connection]?.send(.error(code: .internalError, message: "the match could not start: \(error)"))
                }
                self.perform(self.state.matchEnded(roomID: launch.roomID, matchID: 0, standings: []))
                return
            }
        }
    }
}

extension LobbyService {
    /// Gives up every match waiting for realtime capacity: a server that drains or stops starts no new
    /// match, and its players should not wait for one (the drain waits only for matches under way).
    func giveUpWaitingMatches(because reason: String) {
        let waiting = self.capacityWaits
        self.capacityWaits.removeAll()
        for roomID in waiting.keys.sorted() {
            self.giveUp(waiting[roomID]!, because: reason)
        }
    }

    /// Tells the players of a match that will not start why, and opens their room again.
    func giveUp(_ launch: MatchLaunch, because reason: String) {
        self.logger.notice("a match waiting for capacity was given up", metadata: ["room": "\(launch.roomID)", "reason": "\(reason)"])
        for player in launch.players {
            self.connections[player.connection]?.send(.error(code: .serverBusy, message: "\(reason): your match will not start here; ready again once the server is back"))
        }
        self.perform(self.state.matchEnded(roomID: launch.roomID, matchID: 0, standings: []))
    }
}

/// A connection's write handle, for code outside the lobby that streams to it (realtime over TCP).
public struct LobbyConnectionHandleReference: Sendable {
    let handle: LobbyConnectionHandle

    /// Sends a message; false when the client is too slow or gone.
    @discardableResult
    public func send(_ message: ServerMessage) -> Bool { self.handle.send(message) }

    public var connectionID: ConnectionID { self.handle.id }
}
