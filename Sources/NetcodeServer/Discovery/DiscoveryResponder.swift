#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import NIOCore
import NIOPosix
import NetcodeProtocol

/// Answers LAN discovery probes: one UDP socket bound to the discovery port with SO_REUSEADDR (so several
/// servers on one host all hear the group), joined to the multicast group on the server's interface.
/// Each valid probe gets one answer, sent to the prober's address only; short or foreign datagrams get
/// nothing and are counted.
public final class DiscoveryResponder: Sendable {
    /// What to put in an answer; read for every probe, so the player count is current.
    public struct Identity: Sendable {
        public var name: String
        public var tcpPort: Int
        public var udpPort: Int
        public var players: @Sendable () async -> Int

        public init(name: String, tcpPort: Int, udpPort: Int, players: @escaping @Sendable () async -> Int) {
            self.name = name
            self.tcpPort = tcpPort
            self.udpPort = udpPort
            self.players = players
        }
    }

    private let channel: NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>
    private let identity: Identity
    private let logger: Logger
    /// The port actually bound (the settings may say 0 in a test).
    public let port: Int

    /// Binds and joins the group; throws when the port or the group cannot be had.
    public init(settings: DiscoverySettings, identity: Identity, group eventLoopGroup: any EventLoopGroup, logger: Logger) async throws {
        let bound = try await DatagramBootstrap(group: eventLoopGroup)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "0.0.0.0", port: settings.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>(wrappingChannelSynchronously: channel)
                }
            }
        do {
            // IP_ADD_MEMBERSHIP by address, set directly: NIO's joinGroup refuses interfaces without the
            // MULTICAST flag, and loopback (where a server on this host is found) has none, though the
            // kernel delivers its group traffic all the same.
            guard let provider = bound.channel as? any SocketOptionProvider else {
                throw DiscoveryResponderError("this platform's datagram channel cannot set socket options")
            }
            var membership = ip_mreq()
            guard inet_pton(AF_INET, settings.group, &membership.imr_multiaddr) == 1, (UInt32(bigEndian: membership.imr_multiaddr.s_addr) >> 28) == 0xE else {
                throw DiscoveryResponderError("\(settings.group) is not an IPv4 multicast address")
            }
            guard inet_pton(AF_INET, settings.interfaceAddress, &membership.imr_interface) == 1 else {
                throw DiscoveryResponderError("\(settings.interfaceAddress) is not an IPv4 interface address")
            }
            try await provider.unsafeSetSocketOption(level: .ip, name: .ip_add_membership, value: membership).get()
        } catch {
            try? await bound.channel.close()
            throw error
        }
        self.channel = bound
        self.identity = identity
        self.logger = logger
        self.port = bound.channel.localAddress?.port ?? settings.port
    }

    /// Answers probes until ``close()``.
    public func run() async {
        var refused = 0
        do {
            try await self.channel.executeThenClose { inbound, outbound in
                for try await envelope in inbound {
                    let probe: DiscoveryProbe
                    do {
                        probe = try DiscoveryProbe(decoding: envelope.data.readableBytesView)
                    } catch {
                        refused += 1
                        self.logger.debug("discovery datagram refused", metadata: ["from": "\(envelope.remoteAddress)", "reason": "\(error)"])
                        continue
                    }
                    let answer = DiscoveryAnswer(
                        nonce: probe.nonce,
                        protocolVersion: lobbyProtocolVersion,
                        tcpPort: UInt16(clamping: self.identity.tcpPort),
                        udpPort: UInt16(clamping: self.identity.udpPort),
                        players: UInt16(clamping: await self.identity.players()),
                        name: self.identity.name
                    ).encoded()
                    try await outbound.write(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: ByteBuffer(bytes: answer)))
                }
            }
        } catch {
            self.logger.debug("discovery stopped", metadata: ["error": "\(error)"])
        }
        if refused > 0 { self.logger.info("discovery datagrams refused", metadata: ["count": "\(refused)"]) }
    }

    /// Stops answering; ``run()`` returns.
    public func close() {
        self.channel.channel.close(promise: nil)
    }
}

/// Discovery could not start; the message says why.
public struct DiscoveryResponderError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
