import LinkEmulator
import SeededRandom

/// What lab to build: the link between the two namespaces and a few knobs of the kernels inside.
public struct LabConfiguration: Sendable, Hashable {
    /// Impairment of each direction: upstream is client → server, downstream server → client.
    public let link: LinkProfile
    /// Seeds both directions' link models; record it to replay the same network.
    public let seed: UInt64
    /// Minimum TCP retransmission timeout set inside both namespaces (`tcp_rto_min_us`, Linux 6.11+), or
    /// `nil` to keep the kernel's default of 200 ms, which is what real connections see.
    public let tcpMinimumRetransmissionTimeout: Duration?
    /// MTU of both TUN devices.
    public let mtu: Int
    /// Packets the emulator can hold at once (2 KiB each); more are dropped and counted as `noBuffer`.
    /// 8192 covers 20 ms of delay at 400 k packets/s, or 1 s at 8 k packets/s.
    public let bufferCount: Int
    /// The TUN clone device; a test or an unusual system may point elsewhere.
    public let tunDevicePath: String
    /// A pcapng file to record every packet the emulator forwards, with its fate (``PacketCapture``), or `nil`.
    public let capturePath: String?

    /// - Parameters:
    ///   - link: the impairment of each direction (``LinkProfile/none`` for a clean link).
    ///   - seed: seeds both directions (derived the same way as ``DatagramImpairmentHandler`` does).
    ///   - tcpMinimumRetransmissionTimeout: `nil` keeps the kernel's 200 ms.
    ///   - mtu: 576 to 1500 bytes.
    ///   - bufferCount: packets in flight the emulator can hold.
    ///   - tunDevicePath: usually `/dev/net/tun`.
    public init(
        link: LinkProfile = .none,
        seed: UInt64 = 1,
        tcpMinimumRetransmissionTimeout: Duration? = nil,
        mtu: Int = 1500,
        bufferCount: Int = 8192,
        tunDevicePath: String = "/dev/net/tun",
        capturePath: String? = nil
    ) {
        self.link = link
        self.seed = seed
        self.tcpMinimumRetransmissionTimeout = tcpMinimumRetransmissionTimeout
        self.mtu = mtu
        self.bufferCount = bufferCount
        self.tunDevicePath = tunDevicePath
        self.capturePath = capturePath
    }

    /// Checks the values a user may have typed.
    public func validate() throws(NetworkLabError) {
        do {
            try self.link.validate()
        } catch {
            throw NetworkLabError(.invalidArgument, "link profile \(self.link.name): \(error)")
        }
        guard (576...1500).contains(self.mtu) else {
            throw NetworkLabError(.invalidArgument, "MTU \(self.mtu) is outside 576...1500 bytes")
        }
        guard (64...1_048_576).contains(self.bufferCount) else {
            throw NetworkLabError(.invalidArgument, "buffer count \(self.bufferCount) is outside 64...1048576")
        }
        if let rto = self.tcpMinimumRetransmissionTimeout {
            guard rto >= .microseconds(1), rto <= .seconds(120) else {
                throw NetworkLabError(.invalidArgument, "TCP minimum RTO \(rto) is outside 1 µs...120 s")
            }
        }
    }

    /// The two directions' seeds, derived as ``DatagramImpairmentHandler`` derives them (upstream first),
    /// so that one seed names the same network in the in-process mode and in the lab.
    var directionSeeds: (upstream: UInt64, downstream: UInt64) {
        var seeds = SplitMix64(seed: self.seed, stream: 0x6469_7265_6374)
        let upstream = seeds.next()
        return (upstream, seeds.next())
    }

    /// `tcp_rto_min_us` text, or `nil` to leave the kernel alone.
    var rtoMinimumMicrosecondsText: String? {
        guard let rto = self.tcpMinimumRetransmissionTimeout else { return nil }
        let (seconds, attoseconds) = rto.components
        return String(seconds * 1_000_000 + attoseconds / 1_000_000_000_000)
    }
}
