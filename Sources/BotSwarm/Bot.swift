import NIOCore
import NetcodeClient
import NetcodeProtocol

/// One bot: logs in over TCP like a real client, takes a seat from the matchmaker, readies, plays each
/// match over the transport the match uses, and queues again until it is done.
struct Bot {
    let index: Int
    let configuration: SwarmConfiguration
    let matchmaker: Matchmaker
    let metrics: SwarmMetrics
    /// After this instant the bot queues for no new match.
    let stopQueueingAt: ContinuousClock.Instant?

    enum Failure: Error {
        case step(String)
    }

    var name: String { "\(self.configuration.namePrefix)-\(self.configuration.seed)-\(self.index)" }

    func run() async {
        let clock = ContinuousClock()
        let begin = clock.now
        guard var lobby = await self.connect() else {
            self.metrics.failed("connect")
            return
        }
        do {
            try await self.logIn(lobby)
            lobby.keepAlive(every: .seconds(10))
        } catch {
            self.metrics.failed(Self.kind(of: error, during: "login"))
            await lobby.close()
            return
        }
        let elapsed = clock.now - begin
        self.metrics.loggedIn(after: UInt64(elapsed.components.seconds) * 1_000_000 + UInt64(elapsed.components.attoseconds / 1_000_000_000_000))
        defer { self.metrics.disconnected() }

        do {
            try await self.takeSeat(lobby)
            var played = 0
            while self.wantsAnotherMatch(played: played) {
                lobby = try await self.playMatch(lobby, number: played)
                played += 1
            }
            try? await lobby.send(.leaveRoom)
        } catch {
            self.metrics.error(Self.kind(of: error, during: "play"))
        }
        await lobby.close()
    }

    /// Connects to the lobby, retrying while the server may still be starting (`connectPatience`).
    private func connect() async -> LobbyClient? {
        let clock = ContinuousClock()
        let giveUpAt = clock.now + self.configuration.connectPatience
        while true {
            do {
                return try await LobbyClient.connect(host: self.configuration.host, port: self.configuration.tcpPort, noDelay: self.configuration.tcpNoDelay)
            } catch {
                guard clock.now < giveUpAt else { return nil }
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    private func wantsAnotherMatch(played: Int) -> Bool {
        if let stop = self.stopQueueingAt { return ContinuousClock.now < stop }
        return played < self.configuration.matches
    }

    private func logIn(_ lobby: LobbyClient) async throws {
        try await lobby.send(.hello(version: lobbyProtocolVersion, client: "netcode-bot"))
        _ = try await lobby.expect("welcome") { if case .welcome = $0 { true } else { nil } }
        try await lobby.send(.register(name: self.name, password: self.configuration.password))
        do {
            _ = try await lobby.expect("loggedIn", timeout: .seconds(30)) { if case .loggedIn = $0 { true } else { nil } }
        } catch LobbyClientError.server(code: .nameTaken, _) {
            // An earlier run registered this bot: log in instead.
            try await lobby.send(.login(name: self.name, password: self.configuration.password))
            _ = try await lobby.expect("loggedIn", timeout: .seconds(30)) { if case .loggedIn = $0 { true } else { nil } }
        }
    }

    /// Creates or joins the room the matchmaker assigns.
    private func takeSeat(_ lobby: LobbyClient) async throws {
        while true {
            switch await self.matchmaker.assign() {
            case .create(let group):
                do {
                    try await lobby.send(.createRoom(name: "swarm-\(self.configuration.seed)-\(group)", maxPlayers: UInt8(self.configuration.roomSize), transport: self.configuration.transport))
                    let room = try await lobby.expect("roomState") { if case .roomState(let room, _) = $0 { room } else { nil } }
                    await self.matchmaker.created(group: group, roomID: room.id)
                    return
                } catch {
                    await self.matchmaker.failed(group: group)
                    throw error
                }
            case .join(let roomID):
                try await lobby.send(.joinRoom(id: roomID))
                _ = try await lobby.expect("roomState") { if case .roomState(let room, _) = $0, room.id == roomID { true } else { nil } }
                return
            case .retry:
                continue
            }
        }
    }

    /// Readies when the room is full (or has waited long enough with company), plays the match, and
    /// returns after the lobby has announced its end, with the lobby connection it ended on (a new one
    /// if the bot dropped and reconnected during the match).
    private func playMatch(_ lobby: LobbyClient, number: Int) async throws -> LobbyClient {
        let clock = ContinuousClock()
        let queuedAt = clock.now
        var ready = false {
            didSet { if ready, !oldValue { readyAt = clock.now } }
        }
        var readyAt = clock.now
        var start: MatchStart?
        while start == nil {
            let waited = clock.now - queuedAt
            // The start timeout runs from readying, not from the last message: pongs and room updates
            // keep arriving while a room that can never fill waits, and must not keep it waiting forever.
            let startLeft = self.configuration.startTimeout - (clock.now - readyAt)
            if ready, startLeft <= .zero { throw Failure.step("match start timeout") }
            let message: ServerMessage?
            do {
                message = try await lobby.next(timeout: ready ? startLeft : .milliseconds(500))
            } catch LobbyClientError.timedOut {
                if ready { throw Failure.step("match start timeout") }
                message = nil
            }
            switch message {
            case .roomState(let room, let members)?:
                let full = members.count >= Int(room.maxPlayers)
                if !ready, !room.inMatch, full || (waited > self.configuration.queueTimeout && members.count >= 2) {
                    try await lobby.send(.setReady(true))
                    ready = true
                }
            case .matchStarting(let matchStart)?:
                start = matchStart
            case .error(.serverBusy, _)?:
                // The server refused to overload itself: the room waits for capacity (or reopens).
                self.metrics.error("server busy: match waited for capacity")
            case .matchEnded(0, _)?:
                // The room reopened without a match (the wait for capacity was given up): ready again.
                ready = false
            case .error(let code, _)?:
                throw Failure.step("lobby error \(code)")
            case .goingAway?:
                throw Failure.step("server going away")
            case nil:
                if !ready, waited > self.configuration.queueTimeout {
                    // No room push for a while: nudge by readying anyway if the room has company.
                    try await lobby.send(.setReady(true))
                    ready = true
                }
            default:
                continue
            }
        }
        guard let start else { return lobby }

        // The roster says who is behind each player id in the snapshots; this bot must be in it under
        // its own name (names are unique ignoring case).
        if start.player(start.playerID)?.name.lowercased() != self.name.lowercased() {
            self.metrics.error("match roster does not name this bot as its player id")
        }
        self.metrics.matchStarted()
        var options = self.configuration.client
        let behaviours = self.configuration.behaviours.isEmpty ? [BotBehaviour.chase] : self.configuration.behaviours
        options.behaviour = behaviours[self.index % behaviours.count]
        options.seed = self.configuration.seed &* 1_000_003 &+ UInt64(self.index) &* 7919 &+ UInt64(number)
        let firstClient: RealtimeClient
        do {
            firstClient = try await RealtimeClient.play(start, serverHost: self.configuration.host, localHost: self.configuration.localHost, lobby: lobby, options: options, live: self.metrics.live)
        } catch {
            self.metrics.matchFinished(start.matchID, experience: nil)
            throw Failure.step("realtime socket")
        }
        // The lobby's matchEnded is the authoritative end (it arrives after the result is stored).
        var lobby = lobby
        var client: RealtimeClient? = firstClient
        do {
            let deadline = ContinuousClock.now + .seconds(Int64(start.durationTicks) / Int64(max(start.tickRate, 1)) + 30)
            while true {
                let dropAt = self.configuration.reconnectEvery.map { ContinuousClock.now + $0 }
                guard try await self.awaitMatchEnd(lobby, matchID: start.matchID, until: min(dropAt ?? deadline, deadline)) else {
                    guard ContinuousClock.now < deadline else { throw LobbyClientError.timedOut(waitingFor: "matchEnded") }
                    guard let resumed = try await self.dropAndResume(lobby: lobby, client: client, start: start, options: options) else {
                        client = nil
                        throw Failure.step("reconnect failed")
                    }
                    (lobby, client) = resumed
                    if client == nil { break }
                    continue
                }
                break
            }
        } catch {
            guard let client else {
                self.metrics.matchFinished(start.matchID, experience: nil)
                throw error
            }
            client.end(.stopped)
            let (_, experience) = (try? await client.finished()) ?? (.stopped, PlayerExperience())
            self.metrics.matchFinished(start.matchID, experience: experience)
            throw error
        }
        guard let client else {
            // The match ended while the bot was away: nothing more to measure.
            self.metrics.matchFinished(start.matchID, experience: PlayerExperience())
            return lobby
        }
        client.end(.matchEnded)
        let (end, experience) = try await client.finished()
        if end == .timedOut { self.metrics.error("realtime timeout") }
        self.metrics.matchFinished(start.matchID, experience: experience)
        return lobby
    }

    /// Reads the lobby until the match's `matchEnded` (true) or `until` passes (false).
    private func awaitMatchEnd(_ lobby: LobbyClient, matchID: UInt64, until: ContinuousClock.Instant) async throws -> Bool {
        while true {
            let left = until - ContinuousClock.now
            guard left > .zero else { return false }
            let message: ServerMessage?
            do {
                message = try await lobby.next(timeout: left)
            } catch LobbyClientError.timedOut {
                return false
            }
            switch message {
            case .matchEnded(let id, _)? where id == matchID: return true
            case nil: throw LobbyClientError.connectionClosed
            case .error(let code, let text)?: throw LobbyClientError.server(code: code, message: text)
            default: continue
            }
        }
    }

    /// Drops the lobby connection and the realtime session without a word, logs in again on a new
    /// connection and resumes the match with the credentials the server sends. Returns the new lobby
    /// and session (nil session: the match ended meanwhile); nil when the bot could not come back.
    private func dropAndResume(lobby: LobbyClient, client: RealtimeClient?, start: MatchStart, options: RealtimeClientOptions) async throws -> (LobbyClient, RealtimeClient?)? {
        let droppedAt = ContinuousClock.now
        if let client {
            client.end(.dropped)
            if let (_, experience) = try? await client.finished() { self.metrics.sessionDropped(experience: experience) }
        }
        await lobby.close()
        guard let again = await self.connect() else {
            self.metrics.reconnectFailed("connect")
            return nil
        }
        do {
            // A busy server may take a while to hand the seat back; the match's own length bounds the
            // wait (its end arrives as matchEnded, which ends it sooner).
            let patience = Duration.seconds(Int64(start.durationTicks) / Int64(max(start.tickRate, 1)) + 30)
            try await again.send(.hello(version: lobbyProtocolVersion, client: "netcode-bot"))
            _ = try await again.expect("welcome", timeout: .seconds(30)) { if case .welcome = $0 { true } else { nil } }
            try await again.send(.login(name: self.name, password: self.configuration.password))
            _ = try await again.expect("loggedIn", timeout: .seconds(30)) { if case .loggedIn = $0 { true } else { nil } }
            again.keepAlive(every: .seconds(10))
            // A held seat is given back in the login's own answer: `roomState` right behind `loggedIn`, then
            // `matchStarting` (PROTOCOL.md 1.3). Without a seat (the match ended while the bot was away, and
            // its matchEnded went to the closed connection) nothing more comes. A ping sent now is answered
            // after whatever the login produced, on this ordered connection: a pong first means no seat.
            let probe = UInt64(0x5EA7_0000) | UInt64(self.index & 0xFFFF)
            try await again.send(.ping(nonce: probe))
            let seatHeld = try await again.expect("roomState or pong", timeout: .seconds(30)) { message -> Bool? in
                if case .roomState = message { return true }
                if case .pong(let nonce) = message, nonce == probe { return false }
                return nil
            }
            guard seatHeld else { return (again, nil) }
            enum Next: Sendable { case resume(MatchStart), ended }
            let next = try await again.expect("matchStarting", timeout: patience) { message -> Next? in
                if case .matchStarting(let resumed) = message, resumed.matchID == start.matchID { return .resume(resumed) }
                if case .matchEnded(let id, _) = message, id == start.matchID { return .ended }
                return nil
            }
            guard case .resume(let resumed) = next else { return (again, nil) }
            let client = try await RealtimeClient.play(resumed, serverHost: self.configuration.host, localHost: self.configuration.localHost, lobby: again, options: options, live: self.metrics.live)
            if try await client.firstSnapshot() {
                let waited = ContinuousClock.now - droppedAt
                self.metrics.reconnected(afterMicros: UInt64(waited.components.seconds) * 1_000_000 + UInt64(waited.components.attoseconds / 1_000_000_000_000))
            } else if try await self.awaitMatchEnd(again, matchID: start.matchID, until: ContinuousClock.now + .seconds(2)) {
                // The match ended before the resumed session's first snapshot (a busy server took long
                // to hand the seat back): nothing was left to resume, and nothing failed.
                return (again, nil)
            } else {
                self.metrics.reconnectFailed("no snapshot after rejoining")
            }
            return (again, client)
        } catch {
            self.metrics.reconnectFailed(Self.kind(of: error, during: "rejoin"))
            await again.close()
            return nil
        }
    }

    static func kind(of error: any Error, during step: String) -> String {
        switch error {
        case LobbyClientError.server(let code, _): return "\(step): \(code)"
        case LobbyClientError.timedOut: return "\(step): timeout"
        case LobbyClientError.connectionClosed: return "\(step): connection closed"
        case Failure.step(let what): return what
        default: return "\(step): \(type(of: error))"
        }
    }
}
