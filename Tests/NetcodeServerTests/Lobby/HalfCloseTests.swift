#if canImport(Glibc)
import Foundation
import Glibc
import NIOCore
import NetcodeProtocol
import Testing

/// A client that sends its last frames and then its FIN at once (`shutdown(SHUT_WR)`) still gets the
/// answers: the server treats the FIN as the end of the client's direction only, answers what it read,
/// then closes. Plain sockets, so the FIN leaves right behind the frames.
@Suite struct HalfCloseTests {
    @Test func framesSentJustBeforeFinAreAnswered() async throws {
        let server = try await TestServer.start()
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(server.port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        #expect(connected == 0)
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))

        var bytes: [UInt8] = []
        for message in [ClientMessage.hello(version: lobbyProtocolVersion, client: "half-close"), .ping(nonce: 42)] {
            let payload = Array(message.encoded().readableBytesView)
            bytes += [0, 0, UInt8(payload.count >> 8), UInt8(payload.count & 0xff)] + payload
        }
        #expect(bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) } == bytes.count)
        #expect(shutdown(fd, Int32(SHUT_WR)) == 0)

        // Read to EOF (the server closes its side once it has answered) on a thread of its own: a blocking
        // recv on the cooperative pool would hold up the server's own async work.
        let (received, finalRead) = await withCheckedContinuation { continuation in
            Thread {
                var received: [UInt8] = []
                var chunk = [UInt8](repeating: 0, count: 4096)
                while true {
                    let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                    if count <= 0 {
                        continuation.resume(returning: (received, count < 0 ? errno : 0))
                        return
                    }
                    received += chunk[0..<count]
                }
            }.start()
        }
        #expect(finalRead == 0, "expected EOF, got errno \(finalRead)")
        var messages: [ServerMessage] = []
        var index = 0
        while index + 4 <= received.count {
            let length = Int(received[index]) << 24 | Int(received[index + 1]) << 16 | Int(received[index + 2]) << 8 | Int(received[index + 3])
            guard index + 4 + length <= received.count else { break }
            messages.append(try ServerMessage(decoding: ByteBuffer(bytes: received[(index + 4)..<(index + 4 + length)])))
            index += 4 + length
        }
        #expect(messages.contains { if case .welcome = $0 { true } else { false } }, "got \(messages)")
        #expect(messages.contains { if case .pong(42) = $0 { true } else { false } }, "got \(messages)")
        try await server.stop()
    }
}
#endif
