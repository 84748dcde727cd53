import NetcodeTransport
import Foundation
import Testing

@testable import Comparison

@Suite struct ComparisonCSVTests {
    /// RFC 4180 fields of one line (no line breaks inside fields in these tests).
    func fields(_ line: Substring) -> [String] {
        var fields: [String] = []
        var field = ""
        var quoted = false
        var iterator = line.makeIterator()
        while let character = iterator.next() {
            if quoted {
                if character == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.append("\"") } else {
                            quoted = false
                            if next == "," { fields.append(field); field = "" } else { field.append(next) }
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                fields.append(field)
                field = ""
            } else {
                field.append(character)
            }
        }
        fields.append(field)
        return fields
    }

    @Test(arguments: [1, 3])
    func oneLinePerPointWithConsistentColumns(runs: Int) {
        let result = runs == 3 ? ReportFixture.threeRuns() : ReportFixture.portable()
        let csv = ComparisonCSV.render(result)
        #expect(csv.hasSuffix("\n"))
        let lines = csv.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == result.points.count + 1)
        let width = fields(lines.first!).count
        #expect(width == 4 + 3 * 10)
        for line in lines { #expect(fields(line).count == width) }
    }

    @Test func metricColumnsAreTheJSONKeys() throws {
        let data = try JSONEncoder().encode(ReportFixture.point(loss: 0.01, transport: .udp, runs: 1))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let header = fields(ComparisonCSV.render(ReportFixture.result()).split(separator: "\n")[0])
        #expect(Array(header.prefix(4)) == ["loss", "transport", "impaired", "runs"])
        let metricKeys = Set(object.keys).subtracting(["loss", "transport", "impaired", "runs"])
        let medians = stride(from: 4, to: header.count, by: 3).map { header[$0] }
        #expect(Set(medians) == metricKeys)
        #expect(medians.count == metricKeys.count)
        for (offset, key) in medians.enumerated() {
            #expect(header[4 + offset * 3 + 1] == key + "_min")
            #expect(header[4 + offset * 3 + 2] == key + "_max")
        }
    }

    @Test func fieldsCarryTheFiguresAndEmptyForMissing() throws {
        let result = ReportFixture.threeRuns()
        let lines = ComparisonCSV.render(result).split(separator: "\n")
        let header = fields(lines[0])
        for line in lines.dropFirst() {
            let row = Dictionary(uniqueKeysWithValues: zip(header, fields(line)))
            let lossField = try #require(row["loss"])
            let loss = try #require(Double(lossField))
            let transport = try #require(row["transport"].flatMap { UpdateTransport(name: $0) })
            let point = try #require(result.point(loss: loss, transport: transport))
            #expect(row["impaired"] == String(point.impaired))
            #expect(row["runs"] == String(point.runs))
            // The point's own JSON says what each column must hold.
            let json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(point)) as? [String: Any])
            for key in header.dropFirst(4) where !key.hasSuffix("_min") && !key.hasSuffix("_max") {
                let spread = try #require(json[key] as? [String: Any], "\(key)")
                for (suffix, name) in [("", "median"), ("_min", "min"), ("_max", "max")] {
                    let field = try #require(row[key + suffix])
                    if let value = spread[name] as? Double {
                        let number = try #require(Double(field), "\(key)\(suffix): \(field)")
                        #expect(abs(number - value) <= 1e-9 * max(1, abs(value)), "\(key)\(suffix): \(field)")
                    } else {
                        #expect(field.isEmpty, "\(key)\(suffix): \(field)")
                    }
                }
            }
        }
    }

    @Test func quotesAwkwardText() {
        // No field of the report holds free text today (transports are a type, not strings); the quoting is
        // still what a spreadsheet expects should one ever do.
        let quoted = ReportCSVField.escape("udp, \"fast\"")
        #expect(quoted == "\"udp, \"\"fast\"\"\"")
        #expect(fields(Substring("0.01,\(quoted),true")) == ["0.01", "udp, \"fast\"", "true"])
        #expect(ReportCSVField.escape("udp") == "udp")
        let lines = ComparisonCSV.render(ReportFixture.result(losses: [0.01])).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[1].hasPrefix("0.01,udp,true,1,") && lines[2].hasPrefix("0.01,tcp,true,1,"))
    }
}
