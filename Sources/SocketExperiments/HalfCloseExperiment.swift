#if canImport(Glibc)
import Glibc

/// shutdown(SHUT_WR) sends a FIN but keeps the socket open for reading: the client says "that was all"
/// and still reads the answer. The server reads until EOF (recv returns 0), answers, then closes.
public enum HalfCloseExperiment {
    public struct Evidence: Sendable {
        /// States of the two ends after the client's FIN, before the server answers.
        public let afterClientFin: [String]
        /// Bytes the server read before EOF.
        public let serverRead: Int
        /// The answer the client read after its own FIN.
        public let answer: String
        /// The client's final recv() (0 = EOF).
        public let clientFinalRead: Int
    }

    public static func run(log: ExperimentLog) throws -> Evidence {
        let listener = try Sock.listener()
        defer { close(listener) }
        let port = Sock.localPort(listener)
        let pair = try Sock.connectedPair(listener: listener)
        defer {
            close(pair.client)
            close(pair.server)
        }
        log.step("client sends a request of 3 lines to 127.0.0.1:\(port), then shutdown(SHUT_WR): a FIN, the read side stays open")
        try Sock.sendAll(pair.client, Array("one\ntwo\nthree\n".utf8))
        _ = try Sock.check(shutdown(pair.client, Int32(SHUT_WR)), "shutdown")
        var table: [KernelView.TCPSocket] = []
        for _ in 0..<40 {
            table = KernelView.tcpSockets(port: port).filter { $0.state != "LISTEN" }
            if table.contains(where: { $0.state == "CLOSE_WAIT" }) && table.contains(where: { $0.state == "FIN_WAIT2" }) { break }
            pause(milliseconds: 25)
        }
        table.forEach { log.evidence("\($0)") }
        log.evidence("the client is in FIN_WAIT2 (its direction is closed), the server in CLOSE_WAIT (it may still write)")

        log.step("server reads until recv() returns 0 (EOF)")
        var request: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1024)
        while true {
            let count = recv(pair.server, &buffer, buffer.count, 0)
            if count <= 0 { break }
            request += buffer[0..<count]
        }
        let lines = request.split(separator: UInt8(ascii: "\n")).count
        log.evidence("server read \(request.count) bytes, \(lines) lines, then EOF")
        log.step("server answers after the client's FIN, then closes")
        let answer = "got \(lines) lines"
        try Sock.sendAll(pair.server, Array(answer.utf8))
        _ = shutdown(pair.server, Int32(SHUT_WR))
        let reply = try Sock.receiveExactly(pair.client, answer.utf8.count)
        let final = recv(pair.client, &buffer, buffer.count, 0)
        log.evidence("client read \"\(String(decoding: reply, as: UTF8.self))\" after its own FIN, then recv() = \(final) (EOF)")
        log.note("the lobby server does the same since GameServer.makeListener allows remote half-closure")
        return Evidence(afterClientFin: table.map(\.description), serverRead: request.count, answer: String(decoding: reply, as: UTF8.self), clientFinalRead: final)
    }
}
#endif
