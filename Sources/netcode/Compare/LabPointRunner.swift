#if os(Linux)
import BotSwarm
import Comparison
import Foundation
import NetworkLab

/// Runs a point in the network lab: `netcode server` in the server-side namespace, `netcode bots` in the
/// client-side one, and between them only the emulated link. Kernel TCP and UDP both cross it, so TCP
/// meets real loss and retransmits for real.
public struct LabPointRunner: PointRunner {
    public let impairsTCP = true
    /// The `netcode` executable to start in the namespaces.
    public let executable: String
    /// Where to write each point's packets (pcapng), or `nil`: the point's loss, transport and run are
    /// added to the name, e.g. `run.pcapng` → `run-loss5-tcp-1.pcapng`.
    public let capturePath: String?

    public init(executable: String, capturePath: String? = nil) {
        self.executable = executable
        self.capturePath = capturePath
    }

    /// The capture file of one point, or `nil` when none was asked for.
    public func capturePath(for point: PointSpec) -> String? {
        guard let path = self.capturePath else { return nil }
        let url = URL(fileURLWithPath: path)
        let stem = url.deletingPathExtension().lastPathComponent
        let suffix = url.pathExtension.isEmpty ? "pcapng" : url.pathExtension
        let name = "\(stem)-loss\(ComparisonRunner.format(point.loss * 100))-\(point.transport)-\(point.runIndex + 1).\(suffix)"
        return url.deletingLastPathComponent().appendingPathComponent(name).path
    }

    public enum Failure: Error, CustomStringConvertible {
        case botsFailed(status: String, output: String)
        case noReport(output: String)

        public var description: String {
            switch self {
            case .botsFailed(let status, let output): return "the bots in the lab \(status): \(output)"
            case .noReport(let output): return "the bots in the lab wrote no report: \(output)"
            }
        }
    }

    public func run(_ point: PointSpec, progress: @escaping @Sendable (String) -> Void) async throws -> SwarmReport {
        let capture = self.capturePath(for: point)
        if let capture { progress("capturing the link's packets to \(capture)") }
        let lab = try NetworkLab(configuration: LabConfiguration(link: point.link, seed: point.seed, capturePath: capture))
        defer { lab.shutdown() }
        let folder = try LabWorkFolder.make()
        defer { try? FileManager.default.removeItem(at: folder) }
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

        let serverAddress = lab.address(of: .server)
        let parameters = point.parameters
        // Nagle only when asked for: the default command lines stay as they were.
        let noDelay = point.parameters.noDelay ? [] : ["--tcp-nodelay", "off"]
        let server = try lab.spawn([
            self.executable, "server",
            "--host", serverAddress, "--tcp-port", "7777", "--udp-port", "7778",
            "--db", path("server.sqlite"), "--password-iterations", "1000", "--log-level", "warning",
            "--updates", "\(point.transport)",
            "--tick-rate", "\(parameters.tickRate)", "--snapshot-interval", "\(parameters.snapshotInterval)",
            "--match-duration", "\(parameters.secondsPerPoint)", "--seed", "\(point.seed)",
            "--min-players", "\(parameters.bots)",
            // The bots connect from the client side's address, not loopback: exempt it from the
            // per-address limits, as loopback is for a local swarm.
            "--trusted-addresses", lab.address(of: .client),
        ] + noDelay, in: .server, options: LabSpawnOptions(output: .files(standardOutput: path("server.out"), standardError: path("server.err"))))
        let bots = try lab.spawn([
            self.executable, "bots",
            "--host", serverAddress, "--tcp-port", "7777", "--local-host", lab.address(of: .client),
            "--count", "\(parameters.bots)", "--room-size", "\(parameters.bots)", "--matches", "1",
            "--updates", "\(point.transport)", "--seed", "\(point.seed)", "--json", path("report.json"),
        ] + noDelay, in: .client, options: LabSpawnOptions(output: .files(standardOutput: path("bots.out"), standardError: path("bots.err"))))

        // The live line: the bots' own, read from their error output each second.
        var lastLine = ""
        while bots.exitStatus == nil {
            try? await Task.sleep(for: .seconds(1))
            if let text = try? String(contentsOfFile: path("bots.err"), encoding: .utf8),
               let line = text.split(separator: "\n").last.map(String.init), line != lastLine {
                lastLine = line
                progress(line)
            }
        }
        let status = await bots.wait()
        _ = await server.terminate(grace: .seconds(3))
        let output = ((try? String(contentsOfFile: path("bots.out"), encoding: .utf8)) ?? "")
            + ((try? String(contentsOfFile: path("bots.err"), encoding: .utf8)) ?? "")
            + ((try? String(contentsOfFile: path("server.err"), encoding: .utf8)) ?? "")
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path("report.json"))) else {
            throw Failure.noReport(output: String(output.suffix(2000)))
        }
        // A report with a missed threshold exits 1 but is still a measurement; anything else is a failure.
        if case .exited(let code) = status, code > 1 {
            throw Failure.botsFailed(status: "\(status)", output: String(output.suffix(2000)))
        }
        return try JSONDecoder().decode(SwarmReport.self, from: data)
    }
}
#endif
