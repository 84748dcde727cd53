import NetcodeTransport
import Foundation
import Testing

@testable import Comparison

@Suite struct ComparisonChartTests {
    static let allSeries: Set = ["udp p50", "udp p99", "udp p99.9", "tcp p50", "tcp p99", "tcp p99.9"]

    @Test(arguments: [1, 3])
    func parsesAsXMLWithOneLinePerSeries(runs: Int) throws {
        let document = try #require(SVGDocument.parse(ComparisonChart.svg(ReportFixture.result(runs: runs))))
        #expect(document.series.count == 6)
        #expect(Set(document.series) == Self.allSeries)
        let root = try #require(document.elements.first)
        #expect(root.name == "svg")
        #expect(root.attributes["width"] == "960")
        #expect(root.attributes["height"] == "560")
    }

    @Test func eachLineVisitsEveryLossLevelWithAFigure() throws {
        let result = ReportFixture.result()
        let document = try #require(SVGDocument.parse(ComparisonChart.svg(result)))
        let paths = document.elements.filter { $0.attributes["data-series"] != nil }
        for path in paths {
            let vertices = try #require(path.attributes["d"]).filter { $0 == "M" || $0 == "L" }.count
            #expect(vertices == result.lossLevels.count, "\(path.attributes["data-series"] ?? "")")
        }
    }

    @Test func missingFiguresAreSkippedAndAnEmptySeriesDrawsNoLine() throws {
        var result = ReportFixture.result()
        for index in result.points.indices where result.points[index].transport == .udp {
            result.points[index].latencyP999Ms = Spread([])
        }
        let middle = result.points.firstIndex { $0.transport == .tcp && abs($0.loss - 0.02) < 1e-9 }!
        result.points[middle].latencyP50Ms = Spread([])
        let document = try #require(SVGDocument.parse(ComparisonChart.svg(result)))
        #expect(Set(document.series) == Self.allSeries.subtracting(["udp p99.9"]))
        // The gap splits TCP's p50 line in two.
        let tcpP50 = try #require(document.elements.first { $0.attributes["data-series"] == "tcp p50" }?.attributes["d"])
        #expect(tcpP50.filter { $0 == "M" }.count == 2)
        #expect(tcpP50.filter { $0 == "L" }.count == 2)
    }

    @Test(arguments: [1, 2, 5, 10])
    func rendersAnyNumberOfLossLevels(count: Int) throws {
        let losses = (0..<count).map { Double($0) * 0.02 }
        let result = ReportFixture.result(losses: losses, runs: 3)
        let svg = ComparisonChart.svg(result)
        let document = try #require(SVGDocument.parse(svg))
        #expect(document.series.count == 6)
        for loss in losses {
            #expect(document.texts.contains(ReportFormat.lossPercent(loss)))
        }
        #expect(!svg.contains("NaN") && !svg.contains("nan") && !svg.contains("inf"))
    }

    @Test func allZeroStallsSayThereWereNone() throws {
        var result = ReportFixture.result(losses: [0.05])
        for index in result.points.indices {
            result.points[index].stallsPerMinute = Spread(min: 0, median: 0, max: 0)
            result.points[index].longestStallMs = Spread([])
        }
        let svg = ComparisonChart.svg(result)
        let document = try #require(SVGDocument.parse(svg))
        #expect(document.texts.contains("no stalls over 100 ms at any loss level"))
        #expect(document.texts.contains("no stall lengths recorded"))
        #expect(!svg.contains("NaN"))
        #expect(!ComparisonChart.svg(ReportFixture.result()).contains("no stalls over 100 ms"))
    }

    @Test func noPointsStillMakesAValidChart() throws {
        var result = ReportFixture.result()
        result.points = []
        let document = try #require(SVGDocument.parse(ComparisonChart.svg(result)))
        #expect(document.series.isEmpty)
        #expect(document.texts.contains("no latency figures"))
    }

    @Test func hostileTextIsEscaped() throws {
        let hostile = "</text><script>alert(1)</script> & \"quoted\" 'x' \u{1}"
        var result = ReportFixture.portable()
        result.modeNote = hostile
        result.parameters.extraImpairment = "<rate=1mbit&burst>"
        let svg = ComparisonChart.svg(result)
        let document = try #require(SVGDocument.parse(svg))
        #expect(!svg.contains("<script"))
        #expect(!document.elements.contains { $0.name == "script" })
        #expect(document.texts.contains { $0.contains("</text><script>alert(1)</script> & \"quoted\" 'x' ") })
        #expect(document.texts.contains { $0.contains("<rate=1mbit&burst>") })
    }

    @Test func unimpairedPointsGetAFootnoteOnlyWhenPresent() throws {
        let portable = try #require(SVGDocument.parse(ComparisonChart.svg(ReportFixture.portable())))
        #expect(portable.texts.contains { $0.contains("tcp not impaired") })
        #expect(portable.texts.contains("TCP*"))
        let lab = try #require(SVGDocument.parse(ComparisonChart.svg(ReportFixture.result())))
        #expect(!lab.texts.contains { $0.contains("not impaired") })
    }

    @Test func whiskersOnlyWithSeveralRuns() throws {
        // A whisker is three lines in a series colour; count the vertical ones of UDP p99's colour.
        let colour = "#2171b5"
        let count = { (svg: String) -> Int in
            SVGDocument.parse(svg)!.elements.filter {
                $0.name == "line" && $0.attributes["stroke"] == colour && $0.attributes["x1"] == $0.attributes["x2"]
                    && $0.attributes["y1"] != $0.attributes["y2"]
            }.count
        }
        let three = ReportFixture.result(runs: 3)
        #expect(count(ComparisonChart.svg(three)) == three.lossLevels.count)
        #expect(count(ComparisonChart.svg(ReportFixture.result(runs: 1))) == 0)
    }

    @Test func titleStatesTheLink() throws {
        let document = try #require(SVGDocument.parse(ComparisonChart.svg(ReportFixture.result(runs: 3))))
        let subtitle = try #require(document.texts.first { $0.hasPrefix("link ") })
        #expect(subtitle.contains("25 ms ± 3 ms"))
        #expect(subtitle.contains("burst=0.4"))
        #expect(subtitle.contains("median of 3 runs"))
    }

    @Test func selfContained() {
        let svg = ComparisonChart.svg(ReportFixture.portable(runs: 3))
        for banned in ["<script", "href", "@import", "url(", "<style", "<image"] {
            #expect(!svg.contains(banned), "\(banned)")
        }
        #expect(svg.components(separatedBy: "http").count == 2)  // only the xmlns
    }
}
