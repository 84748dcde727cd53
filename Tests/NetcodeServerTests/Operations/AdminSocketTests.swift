import Foundation
import NetcodeClient
import NetcodeProtocol
import Testing
@testable import NetcodeServer

#if canImport(Glibc)
import Glibc
#endif

/// The admin socket over a real UNIX-domain socket: every command, who may use it, and the socket
/// file's life.
@Suite struct AdminSocketTests {
    @Test func everyCommandAnswersOverTheSocket() async throws {
        let folder = try SocketFolder()
        defer { folder.remove() }
        let server = try await TestServer.start {
            $0.adminSocketPath = folder.socket
            $0.match.durationSeconds = 60
        }
        let admin = AdminClient(path: folder.socket)
        #expect(fileMode(folder.socket) == 0o600, "owner only")

        let idle = try #require(try await admin.ok(.status).status)
        #expect(idle.ready)
        #expect(!idle.draining)
        #expect(idle.matches == 0)
        #expect(idle.tcpPort == server.port)

        let match = try await server.twoPlayerMatch(transport: .udp, roomName: "admin")
        let (alicePlay, bobPlay) = try await match.play()
        #expect(try await alicePlay.firstSnapshot())
        #expect(try await bobPlay.firstSnapshot())

        let status = try #require(try await admin.ok(.status).status)
        #expect(status.matches == 1)
        #expect(status.sessions == 2)
        #expect(status.players == 2)

        let players = try #require(try await admin.ok(.players).players)
        #expect(players.map(\.name) == ["alice", "bob"])
        #expect(players.allSatisfy { $0.inMatch && !$0.seatHeld })

        let matches = try #require(try await admin.ok(.matches).matches)
        #expect(matches.count == 1)
        #expect(matches.first?.matchID == match.startA.matchID)
        #expect(matches.first?.players.map(\.name).sorted() == ["alice", "bob"])

        let stats = try #require(try await admin.ok(.stats, player: "alice").stats)
        let session = try #require(stats.session)
        #expect(session.matchID == match.startA.matchID)
        #expect(session.sessionID == match.startA.sessionID)
        #expect(session.packetsIn > 0, "inputs arrived")
        #expect(session.packetsOut > 0, "snapshots left")
        #expect((stats.shardSocket?.receiveBytes ?? 0) > 0, "the shard socket's granted SO_RCVBUF")
        #expect((stats.lobbySocket?.sendBytes ?? 0) > 0, "the lobby socket's granted SO_SNDBUF")

        let (unknown, _) = try await admin.send(AdminRequest(command: .stats, player: "nobody"))
        #expect(!unknown.ok)
        #expect(unknown.error?.contains("nobody") == true)

        // Kick: the lobby connection hears `kicked` and closes; the realtime session is told reason 5.
        _ = try await admin.ok(.kick, player: "alice")
        let kicked = try await match.alice.drainUntilClosed()
        #expect(kicked.contains { if case .error(.kicked, _) = $0 { true } else { false } })
        let (end, _) = try await alicePlay.finished()
        #expect(end == .disconnected(reason: DisconnectMessage.Reason.kicked.rawValue))
        let remaining = try #require(try await admin.ok(.players).players)
        #expect(remaining.map(\.name) == ["bob"])

        // Drain: bob is told; the server is no longer ready.
        _ = try await admin.ok(.drain)
        let told = try await match.bob.waitFor("draining") { if case .draining(_, let seconds) = $0 { seconds } else { nil } }
        #expect(told == 300)
        let draining = try #require(try await admin.ok(.status).status)
        #expect(draining.draining)
        #expect(!draining.ready)

        // Shutdown ends the server (the running match is abandoned) and removes the socket file.
        _ = try await admin.ok(.shutdown)
        try await server.task.value
        bobPlay.end(.stopped)
        _ = try? await bobPlay.finished()
        #expect(fileMode(folder.socket) == nil, "the socket file is removed on exit")
    }

    @Test func aBadRequestGetsAClearErrorAndTheConnectionStays() async throws {
        let folder = try SocketFolder()
        defer { folder.remove() }
        let server = try await TestServer.start { $0.adminSocketPath = folder.socket }
        let lines = try await RawUnixClient.exchange(path: folder.socket, lines: ["not json", #"{"command":"explode"}"#, #"{"command":"kick"}"#, #"{"command":"status"}"#])
        try #require(lines.count == 4, "one answer per line, in order")
        let answers = try lines.map { try JSONDecoder().decode(AdminResponse.self, from: Data($0.utf8)) }
        #expect(answers[0].ok == false && answers[0].error?.contains("not a request") == true)
        #expect(answers[1].ok == false && answers[1].error?.contains("explode") == true)
        #expect(answers[2].ok == false && answers[2].error?.contains("needs a player") == true)
        #expect(answers[3].ok && answers[3].status != nil)
        try await server.stop()
    }

    @Test(.enabled(if: getuid() == 0 && PeerHelper.python != nil, "needs root (to become another user) and python3"))
    func aPeerOfAnotherUserIsRefused() async throws {
        let folder = try SocketFolder()
        defer { folder.remove() }
        let server = try await TestServer.start { $0.adminSocketPath = folder.socket }
        chmod(folder.path, 0o755)
        // The file mode is the first lock: another user cannot even connect.
        let blocked = try await PeerHelper.connect(asUID: 65534, path: folder.socket, line: #"{"command":"status"}"#)
        #expect(blocked.hasPrefix("connect failed: 13"), "EACCES, got \(blocked)")
        // With the mode opened (a mistake an operator might make) the peer credentials still refuse.
        chmod(folder.socket, 0o666)
        let refused = try await PeerHelper.connect(asUID: 65534, path: folder.socket, line: #"{"command":"shutdown"}"#)
        let answer = try JSONDecoder().decode(AdminResponse.self, from: Data(refused.utf8))
        #expect(!answer.ok)
        #expect(answer.error?.contains("permission denied") == true)
        // The same request from this (root) user is served: the server is still up.
        #expect(try await AdminClient(path: folder.socket).ok(.status).status?.ready == true)
        try await server.stop()
    }

    @Test func aStaleSocketFileIsReplaced() async throws {
        let folder = try SocketFolder()
        defer { folder.remove() }
        // What a killed server leaves: a socket file nobody listens on.
        try RawUnixClient.leaveStaleSocket(at: folder.socket)
        #expect(AdminSocketFile.probe(path: folder.socket) == .refused)
        let server = try await TestServer.start { $0.adminSocketPath = folder.socket }
        #expect(try await AdminClient(path: folder.socket).ok(.status).status?.ready == true)
        try await server.stop()
    }

    @Test func aSecondServerNeverTakesOverALiveSocket() async throws {
        let folder = try SocketFolder()
        defer { folder.remove() }
        let first = try await TestServer.start { $0.adminSocketPath = folder.socket }
        var configuration = ServerConfiguration(tcpPort: 0, udpPort: 0, passwordIterations: 1_000)
        configuration.adminSocketPath = folder.socket
        let second = try GameServer(configuration: configuration, database: try .inMemory(), logger: .init(label: "second"))
        await #expect {
            try await second.bind()
        } throws: { error in
            if case AdminSocketError.inUse = error { true } else { false }
        }
        #expect(second.udpPorts.isEmpty, "nothing else was bound")
        #expect(try await AdminClient(path: folder.socket).ok(.status).status?.tcpPort == first.port, "the first still answers")
        try await first.stop()
    }

    @Test func aFileThatIsNotASocketIsNeverDeleted() async throws {
        let folder = try SocketFolder()
        defer { folder.remove() }
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: folder.socket))
        var configuration = ServerConfiguration(tcpPort: 0, udpPort: 0, passwordIterations: 1_000)
        configuration.adminSocketPath = folder.socket
        let server = try GameServer(configuration: configuration, database: try .inMemory(), logger: .init(label: "blocked"))
        await #expect {
            try await server.bind()
        } throws: { error in
            if case AdminSocketError.notASocket = error { true } else { false }
        }
        #expect(try String(contentsOfFile: folder.socket, encoding: .utf8) == "keep me")
    }
}

/// Plain POSIX UNIX-socket helpers for the tests: raw lines, and a stale socket file.
enum RawUnixClient {
    static func address(_ path: String) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return address
    }

    /// Binds a socket at `path` and closes it without removing the file.
    static func leaveStaleSocket(at path: String) throws {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = Self.address(path)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        close(fd)
        guard bound == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "bind failed: \(errno)"]) }
    }

    /// Sends `lines` on one connection, half-closes, and returns every answer line.
    static func exchange(path: String, lines: [String]) async throws -> [String] {
        try await onOwnThread {
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = Self.address(path)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard connected == 0 else { throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "connect failed: \(errno)"]) }
            let request = Array((lines.joined(separator: "\n") + "\n").utf8)
            _ = request.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            shutdown(fd, Int32(SHUT_WR))
            var received: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count <= 0 { break }
                received += chunk[0..<count]
            }
            return String(decoding: received, as: UTF8.self).split(separator: "\n").map(String.init)
        }
    }
}

/// Connects to a UNIX socket as another user: python3 drops to that uid (the test runs as root),
/// connects, sends one line and prints the answer line, or "connect failed: ERRNO".
enum PeerHelper {
    static let python: String? = ["/usr/bin/python3", "/usr/local/bin/python3", "/bin/python3"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    static let script = """
        import os, socket, sys
        uid, path, line = int(sys.argv[1]), sys.argv[2], sys.argv[3]
        os.setgroups([]); os.setgid(uid); os.setuid(uid)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
        except OSError as e:
            print("connect failed: %d" % e.errno); sys.exit(0)
        s.sendall((line + "\\n").encode())
        data = b""
        while not data.endswith(b"\\n"):
            chunk = s.recv(4096)
            if not chunk: break
            data += chunk
        print(data.decode().strip())
        """

    static func connect(asUID uid: Int, path: String, line: String) async throws -> String {
        let python = Self.python!
        let script = Self.script
        return try await onOwnThread {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = ["-c", script, "\(uid)", path, line]
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            let data = try output.fileHandleForReading.readToEnd() ?? Data()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }
}
