import Foundation
import NIOCore
import NIOHTTP1
import NetcodeProtocol

/// Operating a running server: the admin socket's commands, the probes, the metrics' gauges and drain.
extension GameServer {
    func makeAdminSocket() async throws -> AdminSocket? {
        guard let path = self.configuration.adminSocketPath else { return nil }
        let socket = try await AdminSocket.bind(path: path, group: self.eventLoopGroup, logger: self.logger) { [weak self] request in
            guard let self else { return .failure("the server is stopping") }
            return await self.answer(request)
        }
        self.logger.info("admin socket listening", metadata: ["path": "\(path)"])
        return socket
    }

    func makeProbeServer() async throws -> ProbeServer? {
        guard let port = self.configuration.metricsPort else { return nil }
        let server = try await ProbeServer.bind(host: self.configuration.host, port: port, group: self.eventLoopGroup) { [weak self] path in
            guard let self else { return (.serviceUnavailable, "text/plain; charset=utf-8", "stopping\n") }
            return await self.probe(path)
        }
        self.logger.info("metrics and probes listening", metadata: ["address": "\(self.configuration.host):\(server.port ?? port)", "paths": "/metrics /healthz /readyz"])
        return server
    }

    /// The port of `/metrics`, `/healthz` and `/readyz`, once bound.
    public var metricsPort: Int? { self.state.withLockedValue { $0.probes?.port } }

    /// Whether a drain is under way.
    public var isDraining: Bool { self.state.withLockedValue { $0.draining } }

    // MARK: Probes

    func probe(_ path: String) async -> (status: HTTPResponseStatus, contentType: String, body: String) {
        let text = "text/plain; charset=utf-8"
        switch path {
        case "/metrics":
            await self.refreshMetrics()
            return (.ok, "text/plain; version=0.0.4; charset=utf-8", self.metrics.text())
        case "/healthz":
            let problem = await self.healthProblem()
            return problem.map { (.serviceUnavailable, text, $0 + "\n") } ?? (.ok, text, "ok\n")
        case "/readyz":
            let problem = await self.readinessProblem()
            return problem.map { (.serviceUnavailable, text, $0 + "\n") } ?? (.ok, text, "ready\n")
        default:
            return (.notFound, text, "not found; try /metrics, /healthz or /readyz\n")
        }
    }

    /// Why the process is not healthy: a realtime shard's event loop, or the lobby, does not answer a
    /// no-op within ``healthDeadline`` (asked now, so a probe never depends on a timer's cadence), or the
    /// status loop (which measures every shard each second) has not come round for a minute.
    func healthProblem() async -> String? {
        let (heartbeat, realtime) = self.state.withLockedValue { ($0.heartbeat, $0.realtime) }
        guard let realtime else { return "not started" }
        let lobby = self.lobby
        let answered = await withTaskGroup(of: String?.self) { group -> String? in
            group.addTask {
                for handle in realtime.director.shards {
                    guard (try? await handle.eventLoop.submit({}).get()) != nil else { return "shard loop \(handle.udpPort) is gone" }
                }
                _ = await lobby.connectionCount
                return nil
            }
            group.addTask {
                try? await Task.sleep(for: Self.healthDeadline)
                return "the server's loops did not answer within \(Self.healthDeadline)"
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        if let answered { return answered }
        if let heartbeat, ContinuousClock.now - heartbeat > .seconds(60) {
            return "the status loop has not run for \(ContinuousClock.now - heartbeat)"
        }
        return nil
    }

    static let healthDeadline = Duration.seconds(5)

    /// Why the server should get no new players now: database not migrated, sockets not bound, or
    /// draining or stopping.
    func readinessProblem() async -> String? {
        let (bound, draining, stopping) = self.state.withLockedValue {
            ($0.listener?.isActive == true && $0.realtime != nil, $0.draining, $0.shutdownRequested)
        }
        if stopping { return "shutting down" }
        if draining { return "draining" }
        if !bound { return "sockets not bound" }
        if !(await self.database.isMigrated()) { return "database not migrated" }
        return nil
    }

    /// Reads the shards' totals now (a scrape sees up-to-date counters) and sets the gauges.
    func refreshMetrics() async {
        guard let realtime = self.state.withLockedValue({ $0.realtime }) else { return }
        var counters = RealtimeCounters()
        var loads: [ShardLoad] = []
        for handle in realtime.director.shards {
            let shard = handle.shard
            guard let (shardCounters, matches, players) = try? await handle.eventLoop.submit({
                (shard.value.counters, shard.value.matchCount, shard.value.sessionCount)
            }).get() else { continue }
            counters = counters + shardCounters
            var load = ShardLoad()
            load.matches = matches
            load.players = players
            loads.append(load)
        }
        await self.publishGauges(loads: loads, counters: counters, kernelDrops: SocketDropCounter.drops(ports: Set(realtime.ports)))
    }

    func publishGauges(loads: [ShardLoad], counters: RealtimeCounters, kernelDrops: UInt64?) async {
        self.metrics.publish(counters, kernelDrops: kernelDrops)
        self.metrics.matchesRunning.record(loads.map(\.matches).reduce(0, +))
        self.metrics.playersInMatches.record(loads.map(\.players).reduce(0, +))
        self.metrics.connections.record(await self.lobby.connectionCount)
        self.metrics.rooms.record(await self.lobby.roomCount)
        self.metrics.roomsInMatch.record(await self.lobby.roomsInMatch)
        self.metrics.draining.record(self.isDraining ? 1 : 0)
    }

    // MARK: Drain

    /// Starts a drain: lobby clients are told, logins and new matches stop; once the running matches
    /// have ended and their results are stored (or `timeout` has passed) the server shuts down and
    /// ``run()`` returns. Returns what it did, for the operator.
    @discardableResult
    public func drain(timeout: Duration? = nil) -> String {
        let timeout = timeout ?? self.configuration.drainTimeout
        let started = self.state.withLockedValue { state -> Bool in
            guard !state.draining, !state.shutdownRequested else { return false }
            state.draining = true
            return true
        }
        guard started, let realtime = self.state.withLockedValue({ $0.realtime }) else { return "a drain or shutdown is already under way" }
        self.metrics.draining.record(1)
        self.logger.notice("draining: no new logins or matches; waiting for running matches", metadata: ["timeout": "\(timeout)"])
        // A timer: a shutdown that comes first (SIGTERM during the drain) cancels the wait.
        self.chores.spawn(.timer) {
            let seconds = UInt32(clamping: timeout.components.seconds)
            await self.lobby.beginDrain(reason: "the server is restarting; running matches finish first", secondsLeft: seconds)
            let clock = ContinuousClock()
            let deadline = clock.now + timeout
            while clock.now < deadline, !Task.isCancelled, await realtime.director.runningMatches() > 0 {
                try? await Task.sleep(for: .milliseconds(200))
            }
            let left = await realtime.director.runningMatches()
            if Task.isCancelled {
                self.logger.notice("drain ended by a shutdown", metadata: ["matches": "\(left)"])
            } else if left > 0 {
                self.logger.warning("drain timeout: abandoning the matches still running", metadata: ["matches": "\(left)"])
            } else {
                self.logger.notice("drain complete: every match ended")
            }
            // Results of the matches that ended are stored before anyone is told goodbye.
            await realtime.director.results.wait()
            self.shutdown()
        }
        return "draining: no new logins or matches; the server stops when the running matches end (at most \(timeout))"
    }

    // MARK: Admin socket

    func answer(_ request: AdminRequest) async -> AdminResponse {
        switch request.command {
        case .status:
            return AdminResponse(ok: true, status: await self.status())
        case .matches:
            let views = await self.state.withLockedValue({ $0.realtime })?.director.matchViews() ?? []
            return AdminResponse(ok: true, matches: views)
        case .players:
            return AdminResponse(ok: true, players: await self.lobby.players)
        case .stats:
            guard let name = request.player else { return .failure("stats needs a player: {\"command\":\"stats\",\"player\":\"NAME\"}") }
            guard let stats = await self.playerStats(named: name) else { return .failure("no player named '\(name)' is logged in") }
            return AdminResponse(ok: true, stats: stats)
        case .kick:
            guard let name = request.player else { return .failure("kick needs a player: {\"command\":\"kick\",\"player\":\"NAME\"}") }
            guard await self.lobby.kick(named: name) else { return .failure("no player named '\(name)' is logged in") }
            self.metrics.kicks.increment()
            return AdminResponse(ok: true, message: "kicked \(name)")
        case .drain:
            var timeout: Duration?
            if let seconds = request.timeoutSeconds {
                guard seconds.isFinite, seconds >= 0, seconds <= 86_400 else { return .failure("timeoutSeconds is between 0 and 86400") }
                timeout = .milliseconds(Int64(seconds * 1000))
            }
            return AdminResponse(ok: true, message: self.drain(timeout: timeout))
        case .shutdown:
            // Answer first: the socket closes as the shutdown begins.
            self.chores.spawn {
                try? await Task.sleep(for: .milliseconds(50))
                self.shutdown()
            }
            return AdminResponse(ok: true, message: "shutting down")
        }
    }

    func status() async -> AdminStatus {
        let (realtime, port) = self.state.withLockedValue { ($0.realtime, $0.listener?.localAddress?.port) }
        var matches = 0
        var sessions = 0
        for handle in realtime?.director.shards ?? [] {
            let shard = handle.shard
            if let (m, s) = try? await handle.eventLoop.submit({ (shard.value.matchCount, shard.value.sessionCount) }).get() {
                matches += m
                sessions += s
            }
        }
        return AdminStatus(
            server: self.configuration.serverName, pid: getpid(),
            uptimeSeconds: Self.seconds(ContinuousClock.now - self.startedAt),
            ready: await self.readinessProblem() == nil, draining: self.isDraining,
            connections: await self.lobby.connectionCount, players: await self.lobby.players.count,
            rooms: await self.lobby.roomCount, matches: matches, sessions: sessions,
            shards: realtime?.director.shards.count ?? 0, tcpPort: port, udpPorts: realtime?.ports ?? [],
            metricsPort: self.metricsPort
        )
    }

    func playerStats(named name: String) async -> AdminPlayerStats? {
        guard let player = await self.lobby.players.first(where: { $0.name == name }) else { return nil }
        var stats = AdminPlayerStats(player: player)
        if let connection = player.connection, let channel = await self.lobby.channel(of: connection) {
            stats.lobbySocket = await Self.buffers(of: channel)
        }
        if let roomID = player.roomID, player.inMatch, let realtime = self.state.withLockedValue({ $0.realtime }),
           let index = realtime.director.shardIndex(ofRoom: roomID) {
            stats.session = await realtime.director.sessionStats(roomID: roomID, accountID: player.accountID)
            if index < realtime.channels.count { stats.shardSocket = await Self.buffers(of: realtime.channels[index]) }
        }
        return stats
    }

    /// The receive and send buffer sizes the kernel granted the socket (`getsockopt`).
    static func buffers(of channel: any Channel) async -> AdminSocketBuffers? {
        guard let receive = try? await channel.getOption(.socketOption(.so_rcvbuf)).get(),
              let send = try? await channel.getOption(.socketOption(.so_sndbuf)).get()
        else { return nil }
        return AdminSocketBuffers(receiveBytes: Int(receive), sendBytes: Int(send))
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
