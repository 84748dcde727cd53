import LinkEmulator
import Testing

@Suite("Parsing values")
struct ParsingTests {
    @Test("percentages and fractions", arguments: [
        ("5%", 0.05), ("0.05", 0.05), ("25%", 0.25), ("0.5%", 0.005), ("100%", 1.0), ("0", 0.0), (" 4 % ", 0.04), ("0.1%", 0.001),
    ])
    func percent(text: String, value: Double) throws {
        #expect(try ImpairmentProfile.parsePercent(text) == value)
    }

    @Test("durations", arguments: [
        ("40ms", Duration.milliseconds(40)), ("1s", .seconds(1)), ("250us", .microseconds(250)), ("250µs", .microseconds(250)),
        ("1.5ms", .microseconds(1500)), ("0.25s", .milliseconds(250)), ("800ns", .nanoseconds(800)), ("40 ms", .milliseconds(40)), ("0ms", .zero),
    ])
    func duration(text: String, value: Duration) throws {
        #expect(try ImpairmentProfile.parseDuration(text) == value)
    }

    @Test("rates", arguments: [
        ("1mbit", 1_000_000), ("500kbit", 500_000), ("2.5mbit", 2_500_000), ("64000bit", 64_000), ("1gbit", 1_000_000_000), ("10Mbit/s", 10_000_000),
    ])
    func rate(text: String, value: Int) throws {
        #expect(try ImpairmentProfile.parseRate(text) == value)
    }

    @Test("byte counts", arguments: [("1500", 1_500), ("64kb", 64_000), ("64kib", 65_536), ("1mb", 1_000_000), ("2 KiB", 2_048)])
    func bytes(text: String, value: Int) throws {
        #expect(try ImpairmentProfile.parseByteCount(text) == value)
    }

    @Test("burst models")
    func burst() throws {
        #expect(try GilbertElliott.parse("1%/30%") == GilbertElliott(pGoodToBad: 0.01, pBadToGood: 0.3))
        #expect(try GilbertElliott.parse("0.01/0.3/50%/0.1%") == GilbertElliott(pGoodToBad: 0.01, pBadToGood: 0.3, lossInBad: 0.5, lossInGood: 0.001))
    }

    @Test("bad values give messages that say what to write", arguments: [
        ("percent", "5", "\"5%\""),
        ("percent", "abc", "\"5%\" or \"0.05\""),
        ("percent", "150%", "above 100%"),
        ("percent", "nan", "fraction or percentage"),
        ("duration", "40", "\"40ms\""),
        ("duration", "40min", "unknown unit \"min\"; use ns, us, ms or s"),
        ("duration", "-5ms", "non-negative"),
        ("duration", "0.5ns", "finer than one nanosecond"),
        ("rate", "1mbps", "write \"1mbit\""),
        ("rate", "100", "\"100kbit\""),
        ("rate", "0kbit", "positive rate"),
        ("rate", "fast", "like \"1mbit\""),
        ("bytes", "lots", "like \"1500\""),
        ("bytes", "1.5", "whole number of bytes"),
        ("burst", "1%", "pGoodToBad/pBadToGood"),
        ("burst", "1%/x", "pBadToGood"),
    ])
    func errors(kind: String, text: String, hint: String) {
        let error: LinkProfileError? = switch kind {
        case "percent": Self.failure { _ = try ImpairmentProfile.parsePercent(text) }
        case "duration": Self.failure { _ = try ImpairmentProfile.parseDuration(text) }
        case "rate": Self.failure { _ = try ImpairmentProfile.parseRate(text) }
        case "bytes": Self.failure { _ = try ImpairmentProfile.parseByteCount(text) }
        default: Self.failure { _ = try GilbertElliott.parse(text) }
        }
        #expect(error.map { "\($0)" }?.contains(hint) == true, "\(String(describing: error)) should mention \(hint)")
    }

    /// The error `body` throws, or `nil` when it succeeds; any other error fails the test.
    static func failure(_ body: () throws -> Void) -> LinkProfileError? {
        do {
            try body()
            return nil
        } catch let error as LinkProfileError {
            return error
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }
}

@Suite("Profile specs")
struct ProfileSpecTests {
    @Test("a spec sets the named parameters")
    func spec() throws {
        let profile = try ImpairmentProfile.parse("loss=5%, latency=40ms jitter=10ms,burst=1%/30%,rate=2mbit,queueLimit=64kb,reorder=1%,reorderDelay=20ms,duplicate=0.5%")
        #expect(profile == ImpairmentProfile(
            loss: 0.05, burst: GilbertElliott(pGoodToBad: 0.01, pBadToGood: 0.3), latency: .milliseconds(40), jitter: .milliseconds(10),
            reorder: 0.01, reorderDelay: .milliseconds(20), duplicate: 0.005, rateBitsPerSecond: 2_000_000, queueLimitBytes: 64_000
        ))
    }

    @Test("a spec adjusts a base profile")
    func base() throws {
        let adjusted = try ImpairmentProfile.parse("loss=10%", base: LinkProfile.wifi.downstream)
        var expected = LinkProfile.wifi.downstream
        expected.loss = 0.1
        #expect(adjusted == expected)
        #expect(try ImpairmentProfile.parse("none", base: expected) == expected)
    }

    @Test("every preset direction prints as a spec that reads back", arguments: LinkProfile.presets)
    func roundTrip(preset: LinkProfile) throws {
        for direction in [preset.upstream, preset.downstream] {
            #expect(try ImpairmentProfile.parse(direction.description) == direction)
        }
    }

    @Test("spec errors name the parameter")
    func specErrors() {
        let unknown = ParsingTests.failure { _ = try ImpairmentProfile.parse("los=5%") }
        #expect(unknown?.code == .unknownParameter)
        #expect(unknown?.message.contains("known ones are loss, burst, latency") == true)
        let bad = ParsingTests.failure { _ = try ImpairmentProfile.parse("loss=5%,jitter=10") }
        #expect(bad?.field == "jitter")
        #expect(bad.map { "\($0)" } == "jitter: \"10\" has no unit; write it like \"10ms\", \"1s\" or \"250us\"")
        let orphan = ParsingTests.failure { _ = try ImpairmentProfile.parse("queueLimit=10kb") }
        #expect(orphan?.field == "queueLimit")
        #expect(orphan?.message.contains("set \"rate\" too") == true)
        let noValue = ParsingTests.failure { _ = try ImpairmentProfile.parse("loss") }
        #expect(noValue?.message.contains("name=value") == true)
    }

    @Test("validation rejects out-of-range values")
    func validation() {
        let error = ParsingTests.failure { try LinkProfile(name: "x", upstream: .none, downstream: ImpairmentProfile(loss: 1.5)).validate() }
        #expect(error?.field == "downstream.loss")
        #expect(error?.code == .outOfRange)
        let negative = ParsingTests.failure { try ImpairmentProfile(latency: .milliseconds(-1)).validate() }
        #expect(negative?.field == "latency")
    }

    @Test("formatting chooses the largest whole unit")
    func formatting() {
        #expect(ImpairmentProfile.formatDuration(.milliseconds(1500)) == "1500ms")
        #expect(ImpairmentProfile.formatDuration(.seconds(2)) == "2s")
        #expect(ImpairmentProfile.formatDuration(.nanoseconds(1_001)) == "1001ns")
        #expect(ImpairmentProfile.formatRate(2_500_000) == "2500kbit")
        #expect(ImpairmentProfile.formatPercent(0.25) == "25%")
        #expect(ImpairmentProfile.formatPercent(0.005) == "0.5%")
    }
}
