import ArgumentParser
import LinkEmulator

/// Network impairment applied in process to realtime datagrams (UDP only). Names follow netem and
/// GameNetworkingSockets (docs/IMPAIRMENT.md).
struct ImpairmentOptions: ParsableArguments {
    @Option(help: "A named network (none, lan, wifi, mobile, congested, soak, lossy) or a scenario file (Simulations/networks/*.json).")
    var network: String?

    @Option(help: "Random loss each way, e.g. 5% (GameNetworkingSockets FakePacketLoss, netem loss).")
    var loss: String?

    @Option(help: "Gilbert-Elliott burst loss each way: p(good→bad)/p(bad→good)[/loss in bad[/loss in good]], e.g. 1%/30%.")
    var burst: String?

    @Option(help: "One-way latency each way, e.g. 40ms (FakePacketLag, netem delay).")
    var latency: String?

    @Option(help: "Jitter each way, e.g. 10ms; keeps packet order.")
    var jitter: String?

    @Option(help: "Fraction held back each way, e.g. 2% (FakePacketReorder).")
    var reorder: String?

    @Option(help: "Extra time a reordered packet is held, e.g. 30ms (FakePacketReorder_Time).")
    var reorderDelay: String?

    @Option(help: "Fraction duplicated each way, e.g. 1% (FakePacketDup, netem duplicate).")
    var dup: String?

    @Option(help: "Rate limit each way, e.g. 1mbit.")
    var rate: String?

    @Option(help: "Client→server direction as a spec, e.g. \"loss=5%,latency=40ms\"; applied on top of the options above.")
    var impairUp: String?

    @Option(help: "Server→client direction as a spec.")
    var impairDown: String?

    @Option(help: "Seed of the impairment's random decisions.")
    var impairSeed: UInt64 = 1

    /// The link described by the options, or nil when nothing was asked for.
    func link() throws -> LinkProfile? {
        var link = try self.network.map { try LinkProfile.resolve($0) } ?? LinkProfile.none
        var spec: [String] = []
        if let loss { spec.append("loss=\(loss)") }
        if let burst { spec.append("burst=\(burst)") }
        if let latency { spec.append("latency=\(latency)") }
        if let jitter { spec.append("jitter=\(jitter)") }
        if let reorder { spec.append("reorder=\(reorder)") }
        if let reorderDelay { spec.append("reorderDelay=\(reorderDelay)") }
        if let dup { spec.append("duplicate=\(dup)") }
        if let rate { spec.append("rate=\(rate)") }
        let both = spec.joined(separator: ",")
        if !both.isEmpty {
            link.upstream = try ImpairmentProfile.parse(both, base: link.upstream)
            link.downstream = try ImpairmentProfile.parse(both, base: link.downstream)
        }
        if let impairUp { link.upstream = try ImpairmentProfile.parse(impairUp, base: link.upstream) }
        if let impairDown { link.downstream = try ImpairmentProfile.parse(impairDown, base: link.downstream) }
        if link.upstream.isNone && link.downstream.isNone { return nil }
        if self.network == nil || !both.isEmpty || self.impairUp != nil || self.impairDown != nil {
            link.name = self.network.map { "\($0)+custom" } ?? "custom"
        }
        try link.validate()
        return link
    }
}
