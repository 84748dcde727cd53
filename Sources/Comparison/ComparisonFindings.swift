import Foundation
import NetcodeTransport

/// The "what this shows" sentences: each one states figures read from the result and nothing else, so a run
/// that shows something else says something else.
enum ComparisonFindings {
    static func sentences(_ result: ComparisonReport) -> [String] {
        let pairs = result.lossLevels.compactMap { loss -> (loss: Double, udp: ComparisonPoint, tcp: ComparisonPoint)? in
            guard let udp = result.point(loss: loss, transport: .udp), let tcp = result.point(loss: loss, transport: .tcp) else { return nil }
            return (loss, udp, tcp)
        }
        guard let top = pairs.last else {
            return ["No loss level has both a UDP and a TCP point, so there is nothing to compare."]
        }
        let at = "At \(ReportFormat.lossPercent(top.loss)) loss"
        var sentences: [String] = []
        if !result.parameters.noDelay {
            sentences.append(
                "TCP_NODELAY was off (--nodelay off): the TCP rows include what Nagle's algorithm and delayed ACKs add "
                    + "to small updates, on top of retransmission.")
        }

        let unimpaired = [top.udp, top.tcp].filter { !$0.impaired }.map { ReportFormat.transportName($0.transport) }
        if !unimpaired.isEmpty {
            sentences.append(
                "\(unimpaired.joined(separator: " and ")) did not cross the impaired link at \(ReportFormat.lossPercent(top.loss)) loss: "
                    + "its figures come from a clean link, so what follows is not a like-for-like comparison.")
        }
        if let sentence = latencySentence(at, "p99", top.udp.latencyP99Ms.median, top.tcp.latencyP99Ms.median) { sentences.append(sentence) }
        if let sentence = latencySentence(at, "p99.9", top.udp.latencyP999Ms.median, top.tcp.latencyP999Ms.median) { sentences.append(sentence) }

        if let udp = top.udp.stalenessP99Ms.median?.finiteOrNil, let tcp = top.tcp.stalenessP99Ms.median?.finiteOrNil {
            sentences.append(
                "\(at), 99% of client frames showed a world at most \(ms(udp)) old over UDP and \(ms(tcp)) old over TCP (p99 staleness).")
        }
        if let udp = top.udp.longestStallMs.median?.finiteOrNil, let tcp = top.tcp.longestStallMs.median?.finiteOrNil {
            var sentence = "\(at), longest stall: TCP \(ms(tcp)), UDP \(ms(udp))"
            if let relation = relation(tcp, udp) { sentence += " (\(relation))" }
            if let udpRate = top.udp.stallsPerMinute.median?.finiteOrNil, let tcpRate = top.tcp.stallsPerMinute.median?.finiteOrNil {
                let metric = ComparisonMetric.stallsPerMinute
                sentence += "; stalls over 100 ms per minute: TCP \(metric.format(tcpRate)), UDP \(metric.format(udpRate))"
            }
            sentences.append(sentence + ".")
        }
        if let udp = top.udp.delivery.median?.finiteOrNil {
            var sentence = "UDP delivered \(ComparisonMetric.delivery.format(udp)) of snapshots at \(ReportFormat.lossPercent(top.loss)) loss"
            if let tcp = top.tcp.delivery.median?.finiteOrNil { sentence += ", TCP \(ComparisonMetric.delivery.format(tcp))" }
            sentences.append(sentence + ".")
        }
        if let first = pairs.first, pairs.count > 1 {
            let metric = ComparisonMetric.latencyP99
            if let udpLow = first.udp.latencyP99Ms.median, let udpHigh = top.udp.latencyP99Ms.median,
                let tcpLow = first.tcp.latencyP99Ms.median, let tcpHigh = top.tcp.latencyP99Ms.median
            {
                let change = { (low: Double, high: Double) -> String in
                    metric.format(low) == metric.format(high)
                        ? "stayed at \(metric.format(low)) ms" : "went from \(metric.format(low)) to \(metric.format(high)) ms"
                }
                sentences.append(
                    "From \(ReportFormat.lossPercent(first.loss)) to \(ReportFormat.lossPercent(top.loss)) loss, UDP's p99 latency "
                        + "\(change(udpLow, udpHigh)) and TCP's \(change(tcpLow, tcpHigh)).")
            }
            let compared = pairs.filter { $0.udp.latencyP99Ms.median?.finiteOrNil != nil && $0.tcp.latencyP99Ms.median?.finiteOrNil != nil }
            if compared.count > 1 {
                if let crossing = compared.first(where: { $0.tcp.latencyP99Ms.median! >= 2 * $0.udp.latencyP99Ms.median! }) {
                    sentences.append("TCP's p99 latency first reached twice UDP's at \(ReportFormat.lossPercent(crossing.loss)) loss.")
                } else {
                    sentences.append("TCP's p99 latency stayed under twice UDP's at every loss level measured.")
                }
            }
        }
        if let udp = top.udp.bytesPerSecond.median?.finiteOrNil, let tcp = top.tcp.bytesPerSecond.median?.finiteOrNil {
            var sentence = "Each player moved \(ComparisonMetric.bytesPerSecond.format(tcp)) bytes/s over TCP and "
                + "\(ComparisonMetric.bytesPerSecond.format(udp)) over UDP"
            if let relation = relation(tcp, udp) { sentence += " (\(relation))" }
            sentences.append(sentence + ".")
        }
        if result.maxRuns > 1 {
            sentences.append("Figures are medians over up to \(result.maxRuns) runs per point.")
        }
        return sentences
    }

    private static func latencySentence(_ at: String, _ percentile: String, _ udp: Double?, _ tcp: Double?) -> String? {
        guard let udp = udp?.finiteOrNil, let tcp = tcp?.finiteOrNil else { return nil }
        var sentence = "\(at), TCP's \(percentile) snapshot latency is \(ms(tcp)) against UDP's \(ms(udp))"
        if let relation = relation(tcp, udp) { sentence += ": \(relation)" }
        return sentence + "."
    }

    /// "TCP's is 20× UDP's", or the other way round when UDP's is larger, so the ratio is never below 1;
    /// "about the same" within 5%; nil when either is zero.
    static func relation(_ tcp: Double, _ udp: Double) -> String? {
        guard tcp > 0, udp > 0 else { return nil }
        if max(tcp, udp) / min(tcp, udp) < 1.05 { return "about the same" }
        return tcp >= udp ? "TCP's is \(ReportFormat.ratio(tcp / udp)) UDP's" : "UDP's is \(ReportFormat.ratio(udp / tcp)) TCP's"
    }

    private static func ms(_ value: Double) -> String {
        ComparisonMetric.latencyP99.format(value) + " ms"
    }
}
