import Foundation
import Testing

@testable import Comparison

/// `compare --nodelay off`: the setting is kept with the run and the findings say so; with it on (the
/// default) nothing in the report changes.
@Suite struct NoDelayTests {
    @Test func theFindingsMentionNagleOnlyWhenNoDelayWasOff() {
        var result = ReportFixture.result()
        #expect(!ComparisonTable.render(result).contains("TCP_NODELAY"))
        result.parameters.noDelay = false
        let table = ComparisonTable.render(result)
        #expect(table.contains("TCP_NODELAY was off"))
        #expect(ComparisonPage.html(result, svg: "").contains("Nagle"))
    }

    @Test func runsStoredBeforeTheSettingReadAsOnAndNewOnesKeepIt() throws {
        let old = #"{"losses":[0.01],"latency_ms":20,"jitter_ms":2,"extra_impairment":"","tick_rate":60,"snapshot_interval":1,"bots":4,"seconds_per_point":20,"runs":1,"seed":1}"#
        let decoded = try JSONDecoder().decode(ComparisonParameters.self, from: Data(old.utf8))
        #expect(decoded.noDelay)

        var off = ComparisonParameters()
        off.noDelay = false
        let json = try JSONEncoder().encode(off)
        #expect(String(decoding: json, as: UTF8.self).contains(#""nodelay":false"#))
        #expect(try JSONDecoder().decode(ComparisonParameters.self, from: json) == off)
    }
}
