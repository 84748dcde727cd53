import Foundation
import NetcodeTransport

/// Views of a result that every report shares: the order points are shown in, and the parameter lines.
extension ComparisonReport {
    /// Distinct loss levels of the points, ascending.
    var lossLevels: [Double] {
        var levels: [Double] = []
        for loss in points.map(\.loss).sorted() where levels.last.map({ abs($0 - loss) >= 1e-9 }) ?? true {
            levels.append(loss)
        }
        return levels
    }

    /// Transports in report order: udp, then tcp.
    var transports: [UpdateTransport] {
        let present = Set(points.map(\.transport))
        return UpdateTransport.allCases.filter(present.contains)
    }

    /// Points in report order: by loss, then UDP before TCP, as the table, the page and the CSV list them.
    var orderedPoints: [ComparisonPoint] {
        let rank = Dictionary(uniqueKeysWithValues: transports.enumerated().map { ($1, $0) })
        return points.enumerated().sorted { lhs, rhs in
            if abs(lhs.element.loss - rhs.element.loss) >= 1e-9 { return lhs.element.loss < rhs.element.loss }
            let left = rank[lhs.element.transport] ?? 0, right = rank[rhs.element.transport] ?? 0
            return left != right ? left < right : lhs.offset < rhs.offset
        }.map(\.element)
    }

    /// Transports with at least one point that did not cross the impaired link, in report order.
    var unimpairedTransports: [UpdateTransport] {
        transports.filter { transport in points.contains { $0.transport == transport && !$0.impaired } }
    }

    /// Most runs behind any point; more than one means the reports show spreads.
    var maxRuns: Int { points.map(\.runs).max() ?? parameters.runs }

    /// The footnote for points that did not cross the impaired link, or nil when every point did.
    var unimpairedFootnote: String? {
        let transports = unimpairedTransports
        guard !transports.isEmpty else { return nil }
        return transports.map { transport in
            transport == .tcp
                ? "tcp not impaired: portable mode cannot impair kernel TCP, so its rows ran over clean loopback"
                : "\(transport) not impaired: its packets did not cross the impaired link"
        }.joined(separator: "; ")
    }

    var modeName: String { mode.rawValue }

    /// "20 ms ± 2 ms one way, each direction".
    var linkDescription: String {
        "\(ReportFormat.plain(parameters.latencyMs)) ms ± \(ReportFormat.plain(parameters.jitterMs)) ms one way, each direction"
    }

    /// "0%, 1%, 2%" from the parameters (or from the points when the parameters list none).
    var lossesDescription: String {
        let losses = parameters.losses.isEmpty ? lossLevels : parameters.losses
        return losses.isEmpty ? "none" : losses.map(ReportFormat.lossPercent).joined(separator: ", ")
    }

    var extraImpairmentDescription: String {
        let extra = parameters.extraImpairment.trimmingCharacters(in: .whitespacesAndNewlines)
        return extra.isEmpty ? "none" : extra
    }

    /// "60 Hz, a snapshot every tick" / "every 2 ticks".
    var tickDescription: String {
        let interval = parameters.snapshotInterval
        return "\(parameters.tickRate) Hz, a snapshot every " + (interval == 1 ? "tick" : "\(interval) ticks")
    }

    var runsDescription: String {
        parameters.runs == 1 ? "1 run per point" : "\(parameters.runs) runs per point (median, min–max)"
    }

    /// Labelled parameters in the order every report lists them.
    var parameterRows: [(name: String, value: String)] {
        var rows: [(String, String)] = [
            ("mode", modeName),
            ("mode note", modeNote.isEmpty ? ReportFormat.missing : modeNote),
            ("link", linkDescription),
            ("loss levels (each way)", lossesDescription),
            ("extra impairment", extraImpairmentDescription),
            ("tick rate", tickDescription),
            ("bots", "\(parameters.bots)"),
            ("seconds per point", ReportFormat.seconds(parameters.secondsPerPoint) + " per loss level and transport"),
            ("runs", runsDescription),
            ("seed", "\(parameters.seed)"),
            ("started", ReportFormat.timestamp(startedAt)),
            ("finished", ReportFormat.timestamp(finishedAt) + " (" + ReportFormat.seconds(finishedAt.timeIntervalSince(startedAt)) + ")"),
        ]
        if let runID { rows.append(("run id", "\(runID)")) }
        return rows
    }
}
