import Foundation
import Glibc
import NetcodeClient
import NetcodeProtocol
import Testing

@testable import NetcodeServer

/// LAN discovery on loopback: the server joins the group on 127.0.0.1 and the browser probes from it with
/// IP_MULTICAST_LOOP, so the probe reaches this host's own member.
@Suite struct DiscoveryTests {
    /// A group of the organisation-local scope that no other test uses; the port is the kernel's choice.
    static let group = "239.255.77.91"

    func server(name: String) async throws -> TestServer {
        try await TestServer.start { configuration in
            configuration.serverName = name
            configuration.discovery = DiscoverySettings(group: Self.group, port: 0, interfaceAddress: "127.0.0.1")
        }
    }

    @Test func theBrowserFindsTheServerWithItsPortsPlayersAndVersion() async throws {
        let server = try await self.server(name: "discovery test")
        let port = try #require(server.server.discoveryPort)
        let player = try await server.player("finder")
        let found = try await LANDiscovery.discover(.init(group: Self.group, port: port, probes: 1, wait: .seconds(5), stopAfter: 1))
        await player.close()
        try await server.stop()

        let entry = try #require(found.first)
        #expect(found.count == 1)
        #expect(entry.address == "127.0.0.1")
        #expect(entry.answer.name == "discovery test")
        #expect(Int(entry.answer.tcpPort) == server.port)
        #expect(Int(entry.answer.udpPort) == server.server.udpPort)
        #expect(entry.answer.protocolVersion == lobbyProtocolVersion)
        #expect(entry.answer.players == 1)
        #expect(entry.answerBytes <= DiscoveryProbe.size)
    }

    @Test func aShortProbeGetsNoAnswerAndAFullOneDoes() async throws {
        let server = try await self.server(name: "strict")
        let port = try #require(server.server.discoveryPort)
        let answer = try await Self.onOwnThread { () throws -> [UInt8] in
            let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
            defer { close(fd) }
            var interface = in_addr(s_addr: inet_addr("127.0.0.1"))
            setsockopt(fd, Int32(IPPROTO_IP), IP_MULTICAST_IF, &interface, socklen_t(MemoryLayout<in_addr>.size))
            var group = sockaddr_in()
            group.sin_family = sa_family_t(AF_INET)
            group.sin_port = in_port_t(UInt16(port).bigEndian)
            group.sin_addr.s_addr = inet_addr(Self.group)
            func send(_ bytes: [UInt8]) {
                _ = bytes.withUnsafeBytes { raw in
                    withUnsafePointer(to: &group) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, raw.baseAddress, raw.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
                }
            }
            // The short probe first: had it been answered, its answer would arrive first.
            send(Array(DiscoveryProbe(nonce: 1).encoded().prefix(64)))
            send(DiscoveryProbe(nonce: 2).encoded())
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var buffer = [UInt8](repeating: 0, count: 2048)
            let count = recv(fd, &buffer, buffer.count, 0)
            return count > 0 ? Array(buffer[0..<count]) : []
        }
        try await server.stop()
        let decoded = try DiscoveryAnswer(decoding: answer)
        #expect(decoded.nonce == 2, "the 64-byte probe must not be answered")
        #expect(answer.count <= DiscoveryProbe.size)
    }

    @Test func aServerWithDiscoveryOffHasNoDiscoverySocket() async throws {
        let server = try await TestServer.start()
        #expect(server.server.discoveryPort == nil)
        try await server.stop()
    }

    static func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }
}
