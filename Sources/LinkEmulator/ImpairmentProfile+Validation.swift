extension ImpairmentProfile {
    /// Checks that every parameter lies in its range, naming the first one that does not.
    public func validate() throws(LinkProfileError) {
        try Self.checkFraction(self.loss, "loss")
        try Self.checkFraction(self.reorder, "reorder")
        try Self.checkFraction(self.duplicate, "duplicate")
        try Self.checkNonNegative(self.latency, "latency")
        try Self.checkNonNegative(self.jitter, "jitter")
        try Self.checkNonNegative(self.reorderDelay, "reorderDelay")
        if let burst = self.burst {
            try Self.checkFraction(burst.pGoodToBad, "burst.pGoodToBad")
            try Self.checkFraction(burst.pBadToGood, "burst.pBadToGood")
            try Self.checkFraction(burst.lossInBad, "burst.lossInBad")
            try Self.checkFraction(burst.lossInGood, "burst.lossInGood")
        }
        if let rate = self.rateBitsPerSecond, rate <= 0 {
            throw LinkProfileError(.outOfRange, field: "rate", "must be positive, like \"1mbit\"; got \(rate) bit/s")
        }
        if let limit = self.queueLimitBytes {
            guard limit > 0 else {
                throw LinkProfileError(.outOfRange, field: "queueLimit", "must be positive; got \(limit) bytes")
            }
            guard self.rateBitsPerSecond != nil else {
                throw LinkProfileError(
                    .outOfRange,
                    field: "queueLimit",
                    "a queue only fills behind a bottleneck; set \"rate\" too (e.g. \"1mbit\") or remove \"queueLimit\""
                )
            }
        }
    }

    private static func checkFraction(_ value: Double, _ field: String) throws(LinkProfileError) {
        guard (0...1).contains(value) else {
            throw LinkProfileError(
                .outOfRange,
                field: field,
                "must be between 0 and 1 (0% to 100%); got \(value)"
            )
        }
    }

    private static func checkNonNegative(_ value: Duration, _ field: String) throws(LinkProfileError) {
        guard value >= .zero else {
            throw LinkProfileError(.outOfRange, field: field, "must not be negative; got \(value)")
        }
    }
}
