import Foundation
import NetcodeServer

/// `netcode admin`'s answers as text for people.
enum AdminText {
    static func status(_ status: AdminStatus?) -> String {
        guard let s = status else { return "no status" }
        return """
            server       \(s.server) (pid \(s.pid)), up \(Int(s.uptimeSeconds)) s, \(s.ready ? "ready" : "not ready")\(s.draining ? ", DRAINING" : "")
            connections  \(s.connections)    players \(s.players)    rooms \(s.rooms)
            matches      \(s.matches)    sessions \(s.sessions)    shards \(s.shards)
            ports        tcp \(s.tcpPort.map(String.init) ?? "-")    udp \(s.udpPorts.map(String.init).joined(separator: ","))    metrics \(s.metricsPort.map(String.init) ?? "off")
            """
    }

    static func matches(_ matches: [AdminMatchView]) -> String {
        guard !matches.isEmpty else { return "no matches running" }
        var lines: [String] = []
        for match in matches {
            lines.append("match \(match.matchID)  room \"\(match.room)\" (\(match.roomID))  shard \(match.shard)  \(match.transport)  tick \(match.tick)/\(match.durationTicks)")
            for player in match.players {
                let state = !player.connected ? "left" : player.awaitingReconnect ? "reconnecting" : "playing"
                lines.append("  \(player.playerID)  \(player.name.padding(toLength: 16, withPad: " ", startingAt: 0))  score \(player.score)  \(state)")
            }
        }
        return lines.joined(separator: "\n")
    }

    static func players(_ players: [NetcodeServer.LobbyState.PlayerView]) -> String {
        guard !players.isEmpty else { return "nobody is logged in" }
        return players.map { player in
            let place = player.roomID.map { "room \($0)\(player.inMatch ? " (in match)" : "")" } ?? "lobby"
            let link = player.seatHeld ? "seat held, awaiting reconnection" : "connection \(player.connection.map(String.init) ?? "-")"
            return "\(player.name.padding(toLength: 16, withPad: " ", startingAt: 0))  account \(player.accountID)  \(place)  \(link)"
        }.joined(separator: "\n")
    }

    static func stats(_ stats: AdminPlayerStats?) -> String {
        guard let stats else { return "no figures" }
        func ms(_ value: Double?) -> String { value.map { String(format: "%.1f ms", $0) } ?? "-" }
        func pct(_ value: Double?) -> String { value.map { String(format: "%.2f%%", $0 * 100) } ?? "-" }
        func buffers(_ b: AdminSocketBuffers?) -> String { b.map { "SO_RCVBUF \($0.receiveBytes) B, SO_SNDBUF \($0.sendBytes) B (granted by the kernel)" } ?? "-" }
        var lines = ["player       \(stats.player.name) (account \(stats.player.accountID))", "lobby socket \(buffers(stats.lobbySocket))"]
        if let s = stats.session {
            lines += [
                "match        \(s.matchID) on shard \(s.shard), session \(s.sessionID), \(s.transport)\(s.awaitingReconnect ? ", awaiting reconnection" : "")\(s.connected ? "" : ", left")",
                "address      \(s.address ?? "-")",
                "rtt          \(ms(s.rttMs))    jitter \(ms(s.jitterMs))",
                "loss         up \(pct(s.lossUp))    down \(pct(s.lossDown))",
                "packets      in \(s.packetsIn)    out \(s.packetsOut)    out of order \(s.outOfOrder)    duplicates \(s.duplicates)",
                "bytes/s      in \(Int(s.bytesInPerSecond))    out \(Int(s.bytesOutPerSecond))    (over \(Int(s.sessionSeconds)) s)",
                "shard socket \(buffers(stats.shardSocket))",
            ]
        } else {
            lines.append("match        not in a match")
        }
        return lines.joined(separator: "\n")
    }
}
