/// The parameter names shared by command-line specs and scenario files.
enum ImpairmentParameter: String, CaseIterable, Sendable {
    case loss, burst, latency, jitter, reorder, reorderDelay, duplicate, rate, queueLimit

    static var allNames: String {
        allCases.map(\.rawValue).joined(separator: ", ")
    }
}

/// A one-line notation for a direction, for command-line options:
/// `loss=5%,latency=40ms,jitter=10ms,reorder=1%,reorderDelay=30ms,duplicate=0.5%,rate=2mbit,queueLimit=64kb,burst=1%/30%`.
extension ImpairmentProfile: CustomStringConvertible {
    /// Reads a spec such as `"loss=5%,latency=40ms"` (commas or spaces between items) on top of `base`,
    /// so a preset can be adjusted (`base: LinkProfile.wifi.downstream`). `"none"` or `""` changes nothing.
    public static func parse(_ spec: String, base: ImpairmentProfile = .none) throws(LinkProfileError) -> ImpairmentProfile {
        var profile = base
        let items = spec.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" })
        if items.count == 1, items[0].lowercased() == "none" { return profile }
        for item in items {
            let pair = item.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else {
                throw LinkProfileError(
                    .unknownParameter,
                    "\"\(item)\" is not name=value; write it like \"loss=5%\" or \"latency=40ms\""
                )
            }
            let name = String(pair[0].trimmingASCIIWhitespace())
            let value = String(pair[1].trimmingASCIIWhitespace())
            guard let parameter = ImpairmentParameter.allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() }) else {
                throw LinkProfileError(
                    .unknownParameter,
                    "unknown parameter \"\(name)\"; known ones are \(ImpairmentParameter.allNames)"
                )
            }
            do {
                try profile.set(parameter, from: value)
            } catch {
                throw error.inside(parameter.rawValue)
            }
        }
        try profile.validate()
        return profile
    }

    /// Sets one parameter from its text form.
    mutating func set(_ parameter: ImpairmentParameter, from text: String) throws(LinkProfileError) {
        switch parameter {
        case .loss: self.loss = try Self.parsePercent(text)
        case .burst: self.burst = try GilbertElliott.parse(text)
        case .latency: self.latency = try Self.parseDuration(text)
        case .jitter: self.jitter = try Self.parseDuration(text)
        case .reorder: self.reorder = try Self.parsePercent(text)
        case .reorderDelay: self.reorderDelay = try Self.parseDuration(text)
        case .duplicate: self.duplicate = try Self.parsePercent(text)
        case .rate: self.rateBitsPerSecond = try Self.parseRate(text)
        case .queueLimit: self.queueLimitBytes = try Self.parseByteCount(text)
        }
    }

    /// The spec that ``parse(_:base:)`` reads back into this profile; `"none"` for a perfect link.
    public var description: String {
        var items: [String] = []
        if self.loss != 0 { items.append("loss=\(Self.formatPercent(self.loss))") }
        if let burst = self.burst {
            var parts = [burst.pGoodToBad, burst.pBadToGood]
            if burst.lossInBad != 1 || burst.lossInGood != 0 { parts.append(burst.lossInBad) }
            if burst.lossInGood != 0 { parts.append(burst.lossInGood) }
            items.append("burst=" + parts.map(Self.formatPercent).joined(separator: "/"))
        }
        if self.latency != .zero { items.append("latency=\(Self.formatDuration(self.latency))") }
        if self.jitter != .zero { items.append("jitter=\(Self.formatDuration(self.jitter))") }
        if self.reorder != 0 { items.append("reorder=\(Self.formatPercent(self.reorder))") }
        if self.reorderDelay != .zero { items.append("reorderDelay=\(Self.formatDuration(self.reorderDelay))") }
        if self.duplicate != 0 { items.append("duplicate=\(Self.formatPercent(self.duplicate))") }
        if let rate = self.rateBitsPerSecond { items.append("rate=\(Self.formatRate(rate))") }
        if let limit = self.queueLimitBytes { items.append("queueLimit=\(limit)") }
        return items.isEmpty ? "none" : items.joined(separator: ",")
    }
}
