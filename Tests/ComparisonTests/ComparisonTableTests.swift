import NetcodeTransport
import Foundation
import Testing

@testable import Comparison

@Suite struct ComparisonTableTests {
    /// Row lines of the table, split into cells: the loss, the transport, then ten figures.
    func rows(_ text: String) -> [[String]] {
        text.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
            .filter { $0.count == 12 && $0[0].hasSuffix("%") }
    }

    func rangeRows(_ text: String) -> [[String]] {
        text.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }.filter { $0.first == "min–max" }
    }

    @Test(arguments: [1, 3])
    func everyPointHasARowWithItsFigures(runs: Int) throws {
        let result = ReportFixture.result(runs: runs)
        let rows = rows(ComparisonTable.render(result))
        #expect(rows.count == result.points.count)
        for row in rows {
            let loss = try #require(Double(row[0].dropLast())) / 100
            let transport = try #require(UpdateTransport(name: row[1]))
            let point = try #require(result.point(loss: loss, transport: transport))
            for (offset, column) in ReportFixture.tableColumns(point).enumerated() {
                let printed = row[offset + 2]
                #expect(ReportFixture.shows(printed, column.spread.median, percent: column.percent), "\(row[0]) \(row[1]) \(column.name): \(printed)")
            }
        }
    }

    @Test func rowsGoByLossThenUDPBeforeTCPWhateverTheInputOrder() throws {
        var result = ReportFixture.result()
        result.points.reverse()
        let order = rows(ComparisonTable.render(result)).map { "\($0[0]) \($0[1])" }
        #expect(order == ["0% udp", "0% tcp", "1% udp", "1% tcp", "2% udp", "2% tcp", "5% udp", "5% tcp", "10% udp", "10% tcp"])
    }

    @Test func severalRunsAddAMinMaxLineUnderEachRow() throws {
        let result = ReportFixture.threeRuns()
        let text = ComparisonTable.render(result)
        let ranges = rangeRows(text)
        #expect(ranges.count == result.points.count)
        let ordered = result.orderedPoints
        for (point, range) in zip(ordered, ranges) {
            for (offset, column) in ReportFixture.tableColumns(point).enumerated() {
                let spread = column.spread
                let cell = range[offset + 1]
                if spread.min == nil {
                    #expect(cell == "–")
                    continue
                }
                let ends = cell.split(separator: "–").map(String.init)
                try #require(ends.count == 2, "\(column.name): \(cell)")
                #expect(ReportFixture.shows(ends[0], spread.min, percent: column.percent), "\(column.name) min: \(cell)")
                #expect(ReportFixture.shows(ends[1], spread.max, percent: column.percent), "\(column.name) max: \(cell)")
            }
        }
        #expect(rangeRows(ComparisonTable.render(ReportFixture.result(runs: 1))).isEmpty)
    }

    @Test func missingFiguresPrintAsADash() throws {
        let result = ReportFixture.result()
        let rows = rows(ComparisonTable.render(result))
        let udpZero = try #require(rows.first { $0[0] == "0%" && $0[1] == "udp" })
        #expect(udpZero[10] == "–")  // longest stall: nil at 0% for UDP
        let udpTwo = try #require(rows.first { $0[0] == "2%" && $0[1] == "udp" })
        #expect(udpTwo[6] == "–")  // latency max: nil at 2% for UDP
    }

    @Test func unimpairedRowsAreMarkedAndFootnotedOnlyWhenPresent() throws {
        let portable = ComparisonTable.render(ReportFixture.portable())
        let marked = rows(portable).filter { $0[1] == "tcp*" }
        #expect(marked.count == 5)
        #expect(portable.contains("* tcp not impaired: portable mode cannot impair kernel TCP"))

        let lab = ComparisonTable.render(ReportFixture.result())
        #expect(!lab.contains("not impaired"))
        #expect(!rows(lab).contains { $0[1].hasSuffix("*") })

        var one = ReportFixture.result()
        one.points[3].impaired = false
        let single = ComparisonTable.render(one)
        #expect(rows(single).filter { $0[1].hasSuffix("*") }.count == 1)
        #expect(single.contains("not impaired"))
    }

    @Test func headerStatesTheParameters() {
        let text = ComparisonTable.render(ReportFixture.portable())
        let header = text.split(separator: "\n").prefix(6).joined(separator: "\n")
        for expected in ["portable", "no CAP_NET_ADMIN; TCP over loopback", "25 ms ± 3 ms", "burst=0.4", "30 Hz", "every 2 ticks", "6 bots", "15 s", "1 run", "seed 42"] {
            #expect(header.contains(expected), "\(expected)")
        }
    }

    @Test func fitsIn130ColumnsWithSpreads() {
        let text = ComparisonTable.render(ReportFixture.threeRuns())
        let widest = text.split(separator: "\n").map(\.count).max() ?? 0
        #expect(widest <= 130)
    }

    @Test func findingsAreComputedFromTheFigures() throws {
        var result = ReportFixture.result()
        let top = try #require(result.point(loss: 0.10, transport: .tcp))
        let udp = try #require(result.point(loss: 0.10, transport: .udp))
        let ratio = try #require(top.latencyP99Ms.median) / (try #require(udp.latencyP99Ms.median))
        let before = ComparisonTable.render(result)
        #expect(before.contains("TCP's is \(String(format: "%.0f", ratio))× UDP's"))
        #expect(before.contains("UDP delivered 90.0%"))

        // Change TCP's p99 at the highest loss: the sentence follows.
        let index = try #require(result.points.firstIndex(of: top))
        result.points[index].latencyP99Ms = Spread(min: 52, median: 52, max: 52)
        let after = ComparisonTable.render(result)
        let newRatio = 52 / (try #require(udp.latencyP99Ms.median))
        #expect(after.contains("52.0 ms against UDP's 26.0 ms: TCP's is \(String(format: "%.1f", newRatio))× UDP's"))
        #expect(!after.contains("TCP's is \(String(format: "%.0f", ratio))× UDP's."))
    }

    @Test func findingsCompareStallsAtTheHighestLoss() throws {
        var result = ReportFixture.result()
        let tcp = try #require(result.point(loss: 0.10, transport: .tcp))
        let udp = try #require(result.point(loss: 0.10, transport: .udp))
        let longestTCP = try #require(tcp.longestStallMs.median), longestUDP = try #require(udp.longestStallMs.median)
        let text = ComparisonTable.render(result)
        #expect(text.contains("longest stall: TCP \(String(format: "%.0f", longestTCP)) ms, UDP \(String(format: "%.0f", longestUDP)) ms"))
        #expect(text.contains("TCP's is \(String(format: "%.1f", longestTCP / longestUDP))× UDP's"))

        let index = try #require(result.points.firstIndex(of: tcp))
        result.points[index].longestStallMs = Spread(min: 450, median: 450, max: 450)
        #expect(ComparisonTable.render(result).contains("longest stall: TCP 450 ms, UDP \(String(format: "%.0f", longestUDP)) ms"))
    }

    @Test func findingsNameTheFirstLossWhereTCPDoublesUDP() throws {
        // TCP p99 = 24 + 37 l against UDP's 23 + 0.3 l: twice from 1% up.
        #expect(ComparisonTable.render(ReportFixture.result()).contains("first reached twice UDP's at 1% loss"))
        var result = ReportFixture.result()
        for index in result.points.indices where result.points[index].transport == .tcp && result.points[index].loss < 0.04 {
            result.points[index].latencyP99Ms = Spread(min: 30, median: 30, max: 30)
        }
        #expect(ComparisonTable.render(result).contains("first reached twice UDP's at 5% loss"))
        for index in result.points.indices where result.points[index].transport == .tcp {
            result.points[index].latencyP99Ms = Spread(min: 30, median: 30, max: 30)
        }
        #expect(ComparisonTable.render(result).contains("stayed under twice UDP's at every loss level"))
    }

    @Test func findingsWarnWhenTheComparisonIsNotLikeForLike() {
        #expect(ComparisonTable.render(ReportFixture.portable()).contains("TCP did not cross the impaired link at 10% loss"))
        #expect(!ComparisonTable.render(ReportFixture.result()).contains("did not cross the impaired link"))
    }

    @Test func findingsSayWhenThereIsNothingToCompare() {
        var result = ReportFixture.result()
        result.points.removeAll { $0.transport == .tcp }
        #expect(ComparisonTable.render(result).contains("nothing to compare"))
    }
}
