/// Scenario file shape: `{"name": "wifi", "about": "...", "both": {...}}` for a symmetric link, or
/// `"upstream"` and `"downstream"` objects (use `{}` for a perfect direction).
extension LinkProfile: Codable {
    private static let keys = ["name", "about", "both", "upstream", "downstream"]

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: ScenarioKey.self)
        try container.rejectUnknownKeys(known: Self.keys)
        guard let name = try? container.decode(String.self, forKey: ScenarioKey("name")), !name.isEmpty else {
            throw LinkProfileError(.invalidFile, field: "name", "a scenario needs a non-empty \"name\" string")
        }
        let about = try container.decodeIfPresent(String.self, forKey: ScenarioKey("about")) ?? ""
        let both = try container.decodeIfPresent(ImpairmentProfile.self, forKey: ScenarioKey("both"))
        let upstream = try container.decodeIfPresent(ImpairmentProfile.self, forKey: ScenarioKey("upstream"))
        let downstream = try container.decodeIfPresent(ImpairmentProfile.self, forKey: ScenarioKey("downstream"))
        switch (both, upstream, downstream) {
        case (let both?, nil, nil):
            self.init(name: name, about: about, upstream: both, downstream: both)
        case (nil, let upstream?, let downstream?):
            self.init(name: name, about: about, upstream: upstream, downstream: downstream)
        default:
            throw LinkProfileError(
                .invalidFile,
                "give either \"both\", or \"upstream\" and \"downstream\" (write {} for a perfect direction)"
            )
        }
    }

    /// Writes `both` when the directions are equal.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: ScenarioKey.self)
        try container.encode(self.name, forKey: ScenarioKey("name"))
        if !self.about.isEmpty { try container.encode(self.about, forKey: ScenarioKey("about")) }
        if self.upstream == self.downstream {
            try container.encode(self.upstream, forKey: ScenarioKey("both"))
        } else {
            try container.encode(self.upstream, forKey: ScenarioKey("upstream"))
            try container.encode(self.downstream, forKey: ScenarioKey("downstream"))
        }
    }
}
