import Foundation
import Testing

@testable import Comparison

@Suite struct ComparisonPageTests {
    @Test func embedsTheChart() {
        let result = ReportFixture.result(runs: 3)
        let svg = ComparisonChart.svg(result)
        let page = ComparisonPage.html(result, svg: svg)
        #expect(page.contains(svg.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(page.hasPrefix("<!DOCTYPE html>"))
    }

    @Test func dropsAnXMLDeclarationFromTheChart() {
        let page = ComparisonPage.html(ReportFixture.result(), svg: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>")
        #expect(!page.contains("<?xml"))
        #expect(page.contains("<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>"))
    }

    @Test func statesEveryParameter() {
        let result = ReportFixture.portable()
        let page = ComparisonPage.html(result, svg: "<svg/>")
        for expected in [
            "<th>mode</th><td>portable</td>", "no CAP_NET_ADMIN; TCP over loopback", "25 ms ± 3 ms", "0%, 1%, 2%, 5%, 10%",
            "burst=0.4", "30 Hz, a snapshot every 2 ticks", "<th>bots</th><td>6</td>", "15 s", "<th>seed</th><td>42</td>",
            "2025-11-25T09:01:00Z", "<th>run id</th><td>12</td>",
        ] {
            #expect(page.contains(expected), "\(expected)")
        }
    }

    @Test(arguments: [1, 3])
    func listsEveryPointWithItsFigures(runs: Int) throws {
        let result = ReportFixture.threeRuns()
        let page = ComparisonPage.html(runs == 3 ? result : ReportFixture.result(), svg: "<svg/>")
        let rows = page.components(separatedBy: "<tr").filter { $0.contains("<td class=\"transport\">") }
        #expect(rows.count == result.points.count)
        for point in (runs == 3 ? result : ReportFixture.result()).points {
            let loss = ReportFormat.lossPercent(point.loss)
            let row = try #require(rows.first { $0.contains("<td>\(loss)</td><td class=\"transport\">\(point.transport)") })
            let p99 = ComparisonMetric.latencyP99.format(point.latencyP99Ms.median)
            #expect(row.contains("<td>\(p99)"))
            #expect(row.contains("<span class=\"range\">") == (runs == 3))
        }
    }

    @Test func marksUnimpairedRowsOnlyWhenPresent() {
        let portable = ComparisonPage.html(ReportFixture.portable(), svg: "<svg/>")
        #expect(portable.contains("tcp*</td>"))
        #expect(portable.contains("tcp not impaired"))
        let lab = ComparisonPage.html(ReportFixture.result(), svg: "<svg/>")
        #expect(!lab.contains("*</td>"))
        #expect(!lab.contains("not impaired"))
    }

    @Test func includesTheFindingsAndTheMethod() {
        let result = ReportFixture.result()
        let page = ComparisonPage.html(result, svg: "<svg/>")
        for sentence in ComparisonFindings.sentences(result) {
            #expect(page.contains(ReportMarkup.escape(sentence)))
        }
        #expect(page.contains("monotonic clock"))
        #expect(page.contains("200 ms minimum retransmission timeout"))
        #expect(page.contains("interpolation buffer"))
    }

    @Test func escapesEverythingFromTheResult() {
        var result = ReportFixture.portable()
        result.modeNote = "<script>alert(1)</script> & co"
        result.parameters.extraImpairment = "\"><img src=x>"
        result.modeNote += " <b>bold</b>"
        let page = ComparisonPage.html(result, svg: "<svg/>")
        #expect(!page.contains("<script"))
        #expect(!page.contains("<img"))
        #expect(!page.contains("<b>"))
        #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"))
        #expect(page.contains("&lt;b&gt;bold&lt;/b&gt;"))
    }

    @Test func usesNoExternalResources() {
        let result = ReportFixture.result(runs: 3)
        let page = ComparisonPage.html(result, svg: ComparisonChart.svg(result))
        for banned in ["<script", "<link", "src=", "@import", "url(", "href"] {
            #expect(!page.contains(banned), "\(banned)")
        }
    }
}
