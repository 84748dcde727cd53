/// Scenario files spell values the way people write them (`"40ms"`, `"5%"`, `"1mbit"`) and reject
/// unknown keys, so a misspelt parameter is an error instead of silently meaning "no impairment".
extension ImpairmentProfile: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: ScenarioKey.self)
        try container.rejectUnknownKeys(known: ImpairmentParameter.allCases.map(\.rawValue))
        var profile = ImpairmentProfile()
        profile.loss = try container.fraction("loss") ?? 0
        profile.burst = try container.decodeIfPresent(GilbertElliott.self, forKey: ScenarioKey("burst"))
        profile.latency = try container.duration("latency") ?? .zero
        profile.jitter = try container.duration("jitter") ?? .zero
        profile.reorder = try container.fraction("reorder") ?? 0
        profile.reorderDelay = try container.duration("reorderDelay") ?? .zero
        profile.duplicate = try container.fraction("duplicate") ?? 0
        profile.rateBitsPerSecond = try container.rate("rate")
        profile.queueLimitBytes = try container.byteCount("queueLimit")
        do {
            try profile.validate()
        } catch {
            throw error.inside(container.pathPrefix)
        }
        self = profile
    }

    /// Writes only the parameters that differ from a perfect link.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: ScenarioKey.self)
        if self.loss != 0 { try container.encode(self.loss, forKey: ScenarioKey("loss")) }
        try container.encodeIfPresent(self.burst, forKey: ScenarioKey("burst"))
        for (name, value) in [("latency", self.latency), ("jitter", self.jitter), ("reorderDelay", self.reorderDelay)]
        where value != .zero {
            try container.encode(Self.formatDuration(value), forKey: ScenarioKey(name))
        }
        if self.reorder != 0 { try container.encode(self.reorder, forKey: ScenarioKey("reorder")) }
        if self.duplicate != 0 { try container.encode(self.duplicate, forKey: ScenarioKey("duplicate")) }
        if let rate = self.rateBitsPerSecond {
            try container.encode(Self.formatRate(rate), forKey: ScenarioKey("rate"))
        }
        try container.encodeIfPresent(self.queueLimitBytes, forKey: ScenarioKey("queueLimit"))
    }
}

extension GilbertElliott {
    private static let keys = ["pGoodToBad", "pBadToGood", "lossInBad", "lossInGood"]

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: ScenarioKey.self)
        try container.rejectUnknownKeys(known: Self.keys)
        guard let toBad = try container.fraction("pGoodToBad"), let toGood = try container.fraction("pBadToGood") else {
            throw LinkProfileError(
                .invalidFile,
                field: container.pathPrefix,
                "a burst model needs \"pGoodToBad\" and \"pBadToGood\", e.g. {\"pGoodToBad\": \"1%\", \"pBadToGood\": \"30%\"}"
            )
        }
        self.init(
            pGoodToBad: toBad,
            pBadToGood: toGood,
            lossInBad: try container.fraction("lossInBad") ?? 1,
            lossInGood: try container.fraction("lossInGood") ?? 0
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: ScenarioKey.self)
        try container.encode(self.pGoodToBad, forKey: ScenarioKey("pGoodToBad"))
        try container.encode(self.pBadToGood, forKey: ScenarioKey("pBadToGood"))
        if self.lossInBad != 1 { try container.encode(self.lossInBad, forKey: ScenarioKey("lossInBad")) }
        if self.lossInGood != 0 { try container.encode(self.lossInGood, forKey: ScenarioKey("lossInGood")) }
    }
}

/// A coding key for any name, so decoders can list and reject the keys they do not know.
struct ScenarioKey: CodingKey {
    let stringValue: String
    let intValue: Int? = nil

    init(_ name: String) { self.stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension KeyedDecodingContainer where Key == ScenarioKey {
    /// Where this container sits in the file, as `upstream` or `upstream.burst`.
    var pathPrefix: String {
        self.codingPath.map(\.stringValue).joined(separator: ".")
    }

    func field(_ name: String) -> String {
        self.pathPrefix.isEmpty ? name : "\(self.pathPrefix).\(name)"
    }

    func rejectUnknownKeys(known: [String]) throws(LinkProfileError) {
        for key in self.allKeys where !known.contains(key.stringValue) {
            throw LinkProfileError(
                .unknownParameter,
                field: self.field(key.stringValue),
                "unknown key; known keys here are \(known.joined(separator: ", "))"
            )
        }
    }

    /// A number in `0...1` or a string `"5%"` / `"0.05"`.
    func fraction(_ name: String) throws -> Double? {
        try self.flexible(name, example: "0.05 or \"5%\"", number: { $0 }, text: ImpairmentProfile.parsePercent)
    }

    /// A string with a unit, such as `"40ms"`.
    func duration(_ name: String) throws -> Duration? {
        try self.flexible(name, example: "\"40ms\"", number: nil, text: ImpairmentProfile.parseDuration)
    }

    /// A string such as `"1mbit"` or a whole number of bits per second.
    func rate(_ name: String) throws -> Int? {
        try self.flexible(
            name,
            example: "\"1mbit\"",
            number: { $0 == $0.rounded() && abs($0) < 1e15 ? Int($0) : nil },
            text: ImpairmentProfile.parseRate
        )
    }

    /// A whole number of bytes or a string such as `"64kb"`.
    func byteCount(_ name: String) throws -> Int? {
        try self.flexible(
            name,
            example: "65536 or \"64kib\"",
            number: { $0 == $0.rounded() && abs($0) < 1e15 ? Int($0) : nil },
            text: ImpairmentProfile.parseByteCount
        )
    }

    private func flexible<T>(
        _ name: String,
        example: String,
        number: ((Double) -> T?)?,
        text: (String) throws(LinkProfileError) -> T
    ) throws -> T? {
        let key = ScenarioKey(name)
        guard self.contains(key) else { return nil }
        if let string = try? self.decode(String.self, forKey: key) {
            do {
                return try text(string)
            } catch {
                throw LinkProfileError(error.code, field: self.field(name), error.message)
            }
        }
        if let number, let double = try? self.decode(Double.self, forKey: key), let value = number(double) {
            return value
        }
        throw LinkProfileError(.invalidFile, field: self.field(name), "expected a value such as \(example)")
    }
}
