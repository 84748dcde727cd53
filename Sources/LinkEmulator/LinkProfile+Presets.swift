/// Named networks. Values are one-way (each direction gets them), so a round trip sees twice the latency.
///
/// `soak` and `lossy` are the stress settings established netcode libraries run their soak tests with;
/// the others are plausible everyday links, chosen to exercise each impairment rather than to model a
/// particular provider.
extension LinkProfile {
    /// No impairment at all.
    public static let none = LinkProfile.symmetric(name: "none", about: "Perfect link: nothing lost, delayed or reordered", .none)

    public static let lan = LinkProfile.symmetric(
        name: "lan",
        about: "Wired LAN: 1 ms each way, ±0.2 ms, no loss",
        ImpairmentProfile(latency: .milliseconds(1), jitter: .microseconds(200))
    )

    public static let wifi = LinkProfile.symmetric(
        name: "wifi",
        about: "Home Wi-Fi: 4 ms ± 3 ms each way, 0.5% random loss plus short bursts",
        ImpairmentProfile(
            loss: 0.005,
            burst: GilbertElliott(pGoodToBad: 0.005, pBadToGood: 0.4),
            latency: .milliseconds(4),
            jitter: .milliseconds(3)
        )
    )

    public static let mobile = LinkProfile(
        name: "mobile",
        about: "4G: 35 ms ± 15 ms each way, 1% loss with bursts, 0.5% reordered, 2 Mbit/s up, 10 Mbit/s down",
        upstream: ImpairmentProfile(
            loss: 0.01,
            burst: GilbertElliott(pGoodToBad: 0.01, pBadToGood: 0.25),
            latency: .milliseconds(35),
            jitter: .milliseconds(15),
            reorder: 0.005,
            reorderDelay: .milliseconds(20),
            rateBitsPerSecond: 2_000_000,
            queueLimitBytes: 50_000
        ),
        downstream: ImpairmentProfile(
            loss: 0.01,
            burst: GilbertElliott(pGoodToBad: 0.01, pBadToGood: 0.25),
            latency: .milliseconds(35),
            jitter: .milliseconds(15),
            reorder: 0.005,
            reorderDelay: .milliseconds(20),
            rateBitsPerSecond: 10_000_000,
            queueLimitBytes: 250_000
        )
    )

    public static let congested = LinkProfile(
        name: "congested",
        about: "Saturated path: 60 ms ± 25 ms, 2% loss with bursts, 1 Mbit/s up, 2 Mbit/s down, 100 ms queues",
        upstream: ImpairmentProfile(
            loss: 0.02,
            burst: GilbertElliott(pGoodToBad: 0.02, pBadToGood: 0.2),
            latency: .milliseconds(60),
            jitter: .milliseconds(25),
            reorder: 0.01,
            reorderDelay: .milliseconds(30),
            rateBitsPerSecond: 1_000_000,
            queueLimitBytes: 12_500
        ),
        downstream: ImpairmentProfile(
            loss: 0.02,
            burst: GilbertElliott(pGoodToBad: 0.02, pBadToGood: 0.2),
            latency: .milliseconds(60),
            jitter: .milliseconds(25),
            reorder: 0.01,
            reorderDelay: .milliseconds(30),
            rateBitsPerSecond: 2_000_000,
            queueLimitBytes: 25_000
        )
    )

    /// The soak test of established netcode libraries: 1000 ms latency, 100 ms jitter, 25% loss, 25% duplicates.
    public static let soak = LinkProfile.symmetric(
        name: "soak",
        about: "Soak test: 1000 ms ± 100 ms each way, 25% loss, 25% duplicates",
        ImpairmentProfile(loss: 0.25, latency: .milliseconds(1000), jitter: .milliseconds(100), duplicate: 0.25)
    )

    /// 20% loss, 100 ms lag, 4% of packets held back 50 ms (and so overtaken).
    public static let lossy = LinkProfile.symmetric(
        name: "lossy",
        about: "Lossy: 100 ms each way, 20% loss, 4% reordered by 50 ms",
        ImpairmentProfile(loss: 0.2, latency: .milliseconds(100), reorder: 0.04, reorderDelay: .milliseconds(50))
    )

    /// Every preset, mildest first.
    public static let presets: [LinkProfile] = [.none, .lan, .wifi, .mobile, .congested, .soak, .lossy]

    /// The names ``named(_:)`` knows.
    public static var allNames: [String] {
        presets.map(\.name)
    }

    /// The preset with this name (case-insensitive), or `nil`.
    public static func named(_ name: String) -> LinkProfile? {
        presets.first { $0.name.lowercased() == name.lowercased() }
    }
}
