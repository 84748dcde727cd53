#if canImport(Glibc)
import Glibc
import LinkEmulator
import NetworkLab

/// Datagrams below and above the path MTU, sent across the network lab's link from the client side to
/// the server side. Above it the sender's kernel cuts each datagram into IP fragments (`Ip FragCreates`)
/// and the receiver's puts them back together (`Ip ReasmReqds` fragments in, `Ip ReasmOKs` datagrams
/// out). The link drops fragments, not datagrams, and a datagram missing one fragment is never
/// delivered: the fragments that did arrive wait in the reassembly queue until `ipfrag_time` (30 s)
/// expires them (`Ip ReasmFails`). At loss p, a datagram of k fragments arrives with probability
/// (1 − p)^k. That, and that a fragment may not cross a middlebox at all, is why the realtime packets
/// stop at 1200 bytes: under the 1280-byte minimum MTU of IPv6 with room for the headers.
public enum MTUExperiment {
    public struct Round: Sendable {
        public let payload: Int
        /// IP packets each datagram became: 1 when it fits the MTU.
        public let fragmentsPerDatagram: Int
        public let sent: Int
        public let received: Int
        /// The kernels' counters over the round: `Ip FragCreates` and `FragOKs` at the sender,
        /// `Ip ReasmReqds`, `ReasmOKs` and `ReasmFails` at the receiver.
        public let fragCreates: Int
        public let fragOKs: Int
        public let reasmReqds: Int
        public let reasmOKs: Int
        public let reasmFails: Int

        /// Fragments that reached the receiver as parts of datagrams that never completed: sent, carried,
        /// and wasted.
        public var strandedFragments: Int { self.reasmReqds - self.reasmOKs * self.fragmentsPerDatagram }
    }

    public struct Evidence: Sendable {
        public let mtu: Int
        public let loss: Double
        /// The path MTU the kernel reports on the connected socket (`IP_MTU`).
        public let pathMTU: Int32
        /// errno of a send larger than the MTU with `IP_MTU_DISCOVER` = `IP_PMTUDISC_DO` (don't fragment).
        public let dontFragmentError: Int32?
        public let rounds: [Round]
    }

    /// Why the experiment could not run here (no network lab).
    public struct Unavailable: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    static let ipHeader = 20, udpHeader = 8
    // <netinet/in.h> values, spelled out: not every libc exports them to Swift.
    static let ipMTUDiscover: Int32 = 10, ipPMTUDiscDo: Int32 = 2, ipMTU: Int32 = 14

    /// Fragments a UDP payload becomes on a link of `mtu` bytes: each fragment carries up to
    /// `mtu − 20` bytes of the UDP datagram, rounded down to a multiple of 8.
    public static func fragments(payload: Int, mtu: Int) -> Int {
        let datagram = payload + udpHeader
        guard datagram + ipHeader > mtu else { return 1 }
        let perFragment = (mtu - ipHeader) / 8 * 8
        return (datagram + perFragment - 1) / perFragment
    }

    public static func run(
        mtu: Int = 1280, loss: Double = 0.1, payloads: [Int] = [1200, 1400, 4000], datagrams: Int = 200,
        seed: UInt64 = 1, tunDevicePath: String = "/dev/net/tun", log: ExperimentLog
    ) throws -> Evidence {
        let availability = NetworkLab.availability(tunDevicePath: tunDevicePath)
        guard availability.isAvailable else { throw Unavailable(description: "the network lab can't be built here: \(availability.reason)") }
        let link = LinkProfile.symmetric(name: "mtu", ImpairmentProfile(loss: loss, latency: .milliseconds(2)))
        let lab = try NetworkLab(configuration: LabConfiguration(link: link, seed: seed, mtu: mtu, tunDevicePath: tunDevicePath))
        defer { lab.shutdown() }
        log.step("lab link: MTU \(mtu), \(Int(loss * 100))% loss of each IP packet, 2 ms each way; client side \(lab.address(of: .client)) sends to server side \(lab.address(of: .server))")

        let receiver = try lab.makeSocket(in: .server, type: .udp)
        defer { close(receiver) }
        try Sock.setInt(receiver, SOL_SOCKET, SO_RCVBUF, 4 << 20)
        try Self.bind(receiver, lab.address(of: .server), port: 0)
        let port = Sock.localPort(receiver)
        let sender = try lab.makeSocket(in: .client, type: .udp)
        defer { close(sender) }
        try Self.bind(sender, lab.address(of: .client), port: 0)
        try Self.connect(sender, lab.address(of: .server), port: port)
        let pathMTU = Sock.getInt(sender, Int32(IPPROTO_IP), Self.ipMTU)
        log.evidence("getsockopt(IP_MTU) on the connected socket: \(pathMTU); a UDP payload fits one packet up to \(mtu - ipHeader - udpHeader) bytes")

        var rounds: [Round] = []
        var marker: UInt8 = 0
        for payload in payloads {
            let fragments = Self.fragments(payload: payload, mtu: mtu)
            log.step("\(datagrams) datagrams of \(payload) bytes: \(fragments == 1 ? "one packet each" : "\(fragments) fragments each"); at \(Int(loss * 100))% loss (1 − p)^\(fragments) = \(Self.percent(pow(1 - loss, Double(fragments)))) should arrive")
            let senderBefore = try lab.kernelCounters(of: .client)
            let receiverBefore = try lab.kernelCounters(of: .server)
            var body = [UInt8](repeating: 0x5A, count: payload)
            var sent = 0
            for _ in 0..<datagrams {
                body[0] = 1  // a data datagram; markers start with 0
                if body.withUnsafeBytes({ send(sender, $0.baseAddress, $0.count, 0) }) == payload { sent += 1 }
                // Paced, so the TUN queue and the emulator see a stream, not a burst they would drop.
                usleep(500)
            }
            // The link keeps order: once a marker sent after the data arrives, every fragment of the
            // round that was not dropped has arrived too.
            marker &+= 1
            let received = try Self.drain(receiver, sender: sender, marker: marker)
            let senderDelta = try lab.kernelCounters(of: .client).subtracting(senderBefore)
            let receiverDelta = try lab.kernelCounters(of: .server).subtracting(receiverBefore)
            let round = Round(
                payload: payload, fragmentsPerDatagram: fragments, sent: sent, received: received,
                fragCreates: senderDelta.value("Ip", "FragCreates") ?? 0, fragOKs: senderDelta.value("Ip", "FragOKs") ?? 0,
                reasmReqds: receiverDelta.value("Ip", "ReasmReqds") ?? 0, reasmOKs: receiverDelta.value("Ip", "ReasmOKs") ?? 0,
                reasmFails: receiverDelta.value("Ip", "ReasmFails") ?? 0
            )
            log.evidence("sent \(round.sent), received \(round.received) (\(Self.percent(Double(round.received) / Double(max(1, round.sent)))))")
            log.evidence("sender Ip FragOKs +\(round.fragOKs) FragCreates +\(round.fragCreates); receiver Ip ReasmReqds +\(round.reasmReqds) ReasmOKs +\(round.reasmOKs) ReasmFails +\(round.reasmFails)")
            if round.strandedFragments > 0 {
                log.evidence("\(round.strandedFragments) fragments crossed the link and were thrown away: their datagram lost another fragment")
            }
            rounds.append(round)
        }
        log.note("stranded fragments wait in the reassembly queue for net.ipv4.ipfrag_time (30 s) before Ip ReasmFails counts them")

        // Don't fragment: the application learns the limit instead of the network hiding it.
        try Sock.setInt(sender, Int32(IPPROTO_IP), Self.ipMTUDiscover, Self.ipPMTUDiscDo)
        let big = [UInt8](repeating: 1, count: mtu)
        let result = big.withUnsafeBytes { send(sender, $0.baseAddress, $0.count, 0) }
        let dontFragmentError: Int32? = result < 0 ? errno : nil
        log.step("IP_MTU_DISCOVER = IP_PMTUDISC_DO (DF set, no fragmenting), then send \(mtu) bytes")
        log.evidence(dontFragmentError.map { "send failed: \(SocketCallError.name($0))" } ?? "send of \(result) bytes succeeded")
        return Evidence(mtu: mtu, loss: loss, pathMTU: pathMTU, dontFragmentError: dontFragmentError, rounds: rounds)
    }

    /// Reads data datagrams until the round's marker arrives, re-sending the marker (it may be lost too)
    /// each time the receiver has been quiet for 100 ms. Returns the data datagrams read.
    static func drain(_ receiver: Int32, sender: Int32, marker: UInt8) throws -> Int {
        var received = 0
        var buffer = [UInt8](repeating: 0, count: 65536)
        let markerBytes: [UInt8] = [0, marker]
        var markersSent = 0
        while markersSent < 100 {
            _ = markerBytes.withUnsafeBytes { send(sender, $0.baseAddress, $0.count, 0) }
            markersSent += 1
            while Sock.wait(receiver, milliseconds: 100) {
                let count = recv(receiver, &buffer, buffer.count, 0)
                guard count > 0 else { continue }
                if buffer[0] == 0 {
                    if count == 2 && buffer[1] == marker { return received }
                } else {
                    received += 1
                }
            }
        }
        throw SocketCallError(call: "marker", code: ETIMEDOUT)
    }

    static func percent(_ fraction: Double) -> String {
        "\(Int((fraction * 100).rounded()))%"
    }

    static func sockaddr(_ address: String, port: Int) -> sockaddr_in {
        var result = sockaddr_in()
        result.sin_family = sa_family_t(AF_INET)
        result.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, address, &result.sin_addr)
        return result
    }

    static func bind(_ fd: Int32, _ address: String, port: Int) throws {
        var local = Self.sockaddr(address, port: port)
        _ = try Sock.check(withUnsafePointer(to: &local) { $0.withMemoryRebound(to: Glibc.sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }, "bind")
    }

    static func connect(_ fd: Int32, _ address: String, port: Int) throws {
        var remote = Self.sockaddr(address, port: port)
        _ = try Sock.check(withUnsafePointer(to: &remote) { $0.withMemoryRebound(to: Glibc.sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }, "connect")
    }
}
#endif
