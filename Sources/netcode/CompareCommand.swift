import ArgumentParser
import Comparison
import Foundation
import LinkEmulator
import NetcodeStore

struct CompareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Send the same game traffic over UDP and over TCP through the same impaired link, over a sweep of loss levels, and report what players would see.",
        discussion: """
            On Linux as root, or where user namespaces are allowed, the server and the bots run in two network \
            namespaces joined by a userspace link emulator, so the kernel's own TCP meets really lost packets and \
            retransmits for real. Elsewhere it says why in one line and runs in portable mode: UDP impaired in \
            process, TCP over plain loopback, labelled as not impaired.
            Writes a table, an SVG chart and a self-contained HTML report, and stores the run in the database.
            """
    )

    @OptionGroup var database: DatabaseOptions

    @Option(help: "Loss levels of the sweep, comma-separated percentages.")
    var losses: String = "0,1,2,5,10"

    @Option(help: "One-way base delay of the link, each way.")
    var latency: DurationArgument = .init(.milliseconds(20))

    @Option(help: "Jitter of the link, each way (keeps packet order).")
    var jitter: DurationArgument = .init(.milliseconds(2))

    @Option(help: "Further link parameters at every point, as a spec, e.g. \"burst=1%/30%,reorder=1%,duplicate=0.5%\".")
    var extra: String = ""

    @Option(help: "Simulation and snapshot rate of the server.")
    var tickRate: Int = 60

    @Option(help: "Send a snapshot every this many ticks.")
    var snapshotInterval: Int = 1

    @Option(help: "Bots at each point (one room).")
    var bots: Int = 4

    @Option(help: "Seconds of play at each point and transport.")
    var duration: Double = 20

    @Option(help: "Repeat the sweep this many times; the report shows min, median and max.")
    var runs: Int = 1

    @Option(help: "Seed of the link's decisions, the matches and the bots.")
    var seed: UInt64 = 1

    @Option(help: "A sweep file from Simulations/sweeps/ (JSON with the keys of the parameters object); options given on the command line win.")
    var sweep: String?

    @Option(help: "TCP_NODELAY on the TCP rows' connections: off adds Nagle's algorithm and delayed ACKs to what TCP shows.")
    var nodelay: OnOff = .on

    @Option(help: "Write each point's packets, with their fates, as pcapng: FILE-loss5-tcp-1.pcapng and so on (lab mode only).")
    var pcap: String?

    @Flag(help: "Run in portable mode even where the lab can be built.")
    var portable = false

    @Option(help: "Folder for the report files (compare.svg, compare.html, and --json/--csv if not given).")
    var output: String = "data/compare"

    @Option(help: "Also write the result as JSON here (keys: docs/COMPARE.md).")
    var json: String?

    @Option(help: "Also write the result as CSV here.")
    var csv: String?

    @Flag(help: "List past comparison runs from the database instead of running.")
    var history = false

    @Option(help: "Render a past run (its id from --history) instead of running.")
    var show: Int64?

    func run() async throws {
        let database = try NetcodeDatabase.openFile(path: self.database.databasePath)
        let archive = ComparisonArchive(database: database)
        if self.history {
            try await Self.printHistory(archive)
            return
        }
        if let id = self.show {
            guard let result = try await archive.result(id: id) else { throw ValidationError("no comparison run has id \(id); see --history") }
            try Self.emit(result, output: self.output, json: self.json, csv: self.csv)
            return
        }
        let parameters = try self.parameters()
        // Before the sweep, not after minutes of it: the report must have somewhere to go.
        try Self.checkOutputs(output: self.output, json: self.json, csv: self.csv)
        let result = try await Self.runAndStore(parameters, forcePortable: self.portable, capturePath: self.pcap, archive: archive)
        try Self.emit(result, output: self.output, json: self.json, csv: self.csv)
    }

    /// Creates the report folder and checks that it and the folders of `--json` and `--csv` can be
    /// written, with an error that names the option.
    static func checkOutputs(output: String, json: String?, csv: String?) throws {
        guard !output.isEmpty else { throw ValidationError("--output needs a folder, e.g. data/compare") }
        for (option, file) in [("--json", json), ("--csv", csv)] where file?.isEmpty == true {
            throw ValidationError("\(option) needs a file name, e.g. compare.\(option.dropFirst(2))")
        }
        do {
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        } catch {
            throw ValidationError("--output: cannot create the folder \(output) (\(error.localizedDescription))")
        }
        let files = [("--json", json), ("--csv", csv)].compactMap { option, file in file.map { (option, ($0 as NSString).deletingLastPathComponent) } }
        for (option, path) in [("--output", output)] + files {
            let folder = path.isEmpty ? "." : path
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue, access(folder, W_OK) == 0 else {
                throw ValidationError("\(option): the folder \(folder) does not exist or cannot be written")
            }
        }
    }

    /// Runs a sweep in the lab where it can be built (portable mode otherwise), with a live line on
    /// standard error, and stores it.
    static func runAndStore(_ parameters: ComparisonParameters, forcePortable: Bool, capturePath: String? = nil, archive: ComparisonArchive) async throws -> ComparisonReport {
        let (runner, mode, note) = try LabOrPortable.choose(forcePortable: forcePortable, capturePath: capturePath)
        FileHandle.standardError.write(Data("compare: \(mode == .lab ? "lab" : "portable") mode — \(note)\n".utf8))
        let comparison = ComparisonRunner(parameters: parameters, runner: runner, mode: mode, modeNote: note)
        var (result, measurements) = try await comparison.run { line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        result.runID = try await archive.store(result, measurements: measurements)
        return result
    }

    func parameters() throws -> ComparisonParameters {
        var parameters = ComparisonParameters()
        if let sweep {
            parameters = try ComparisonParameters.load(contentsOfFile: sweep)
        }
        let losses = try self.losses.split(separator: ",").map { text -> Double in
            guard let value = Double(text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "%", with: "")), (0...100).contains(value) else {
                throw ValidationError("--losses takes percentages between 0 and 100, e.g. 0,1,2,5,10")
            }
            return value / 100
        }
        let arguments = CommandLine.arguments
        func given(_ name: String) -> Bool { self.sweep == nil || arguments.contains { $0 == name || $0.hasPrefix(name + "=") } }
        if given("--losses") { parameters.losses = losses }
        if given("--latency") { parameters.latencyMs = Self.milliseconds(self.latency.duration) }
        if given("--jitter") { parameters.jitterMs = Self.milliseconds(self.jitter.duration) }
        if given("--extra") { parameters.extraImpairment = self.extra }
        if given("--tick-rate") { parameters.tickRate = self.tickRate }
        if given("--snapshot-interval") { parameters.snapshotInterval = self.snapshotInterval }
        if given("--bots") { parameters.bots = self.bots }
        if given("--duration") { parameters.secondsPerPoint = self.duration }
        if given("--runs") { parameters.runs = self.runs }
        if given("--seed") { parameters.seed = self.seed }
        if given("--nodelay") { parameters.noDelay = self.nodelay.isOn }
        guard !parameters.losses.isEmpty else { throw ValidationError("the sweep needs at least one loss level") }
        guard parameters.bots >= 2, parameters.bots <= 16 else { throw ValidationError("--bots must be between 2 and 16 (one room)") }
        guard parameters.runs >= 1 else { throw ValidationError("--runs must be at least 1") }
        guard parameters.secondsPerPoint >= 1 else { throw ValidationError("--duration must be at least 1 second") }
        if !parameters.extraImpairment.isEmpty { _ = try ImpairmentProfile.parse(parameters.extraImpairment) }
        return parameters
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    /// Prints the table and writes the chart, the page and the data files.
    static func emit(_ result: ComparisonReport, output: String, json: String? = nil, csv: String? = nil) throws {
        print(ComparisonTable.render(result))
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let svg = ComparisonChart.svg(result)
        let svgPath = (output as NSString).appendingPathComponent("compare.svg")
        let htmlPath = (output as NSString).appendingPathComponent("compare.html")
        let jsonPath = json ?? (output as NSString).appendingPathComponent("compare.json")
        let csvPath = csv ?? (output as NSString).appendingPathComponent("compare.csv")
        try svg.write(toFile: svgPath, atomically: true, encoding: .utf8)
        try ComparisonPage.html(result, svg: svg).write(toFile: htmlPath, atomically: true, encoding: .utf8)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try encoder.encode(result).write(to: URL(fileURLWithPath: jsonPath))
        try ComparisonCSV.render(result).write(toFile: csvPath, atomically: true, encoding: .utf8)
        print("")
        if let id = result.runID { print("stored as comparison run \(id) (netcode compare --history; --show \(id))") }
        print("chart: \(svgPath)\nreport: \(htmlPath)\ndata: \(jsonPath), \(csvPath)")
    }

    static func printHistory(_ archive: ComparisonArchive) async throws {
        let runs = try await archive.recent(limit: 20)
        if runs.isEmpty {
            print("no comparison runs yet: run `netcode compare`")
            return
        }
        print("  id  started               mode      losses %          link             bots  s/point  runs  at the highest loss: p99 latency udp / tcp, longest stall udp / tcp")
        let formatter = ISO8601DateFormatter()
        for run in runs {
            let highest = run.parameters.losses.max() ?? 0
            let udp = run.point(loss: highest, transport: .udp)
            let tcp = run.point(loss: highest, transport: .tcp)
            func ms(_ value: Double?) -> String { value.map { String(format: "%.0f ms", $0) } ?? "–" }
            let losses = run.parameters.losses.map { String(format: "%g", $0 * 100) }.joined(separator: ",")
            print(String(format: "%4lld  %@  %-8@  %-16@  %-15@  %4d  %7.0f  %4d  %@ / %@, %@ / %@",
                         run.runID ?? 0, formatter.string(from: run.startedAt), run.mode.rawValue, losses,
                         String(format: "%g±%g ms", run.parameters.latencyMs, run.parameters.jitterMs),
                         run.parameters.bots, run.parameters.secondsPerPoint, run.parameters.runs,
                         ms(udp?.latencyP99Ms.median), ms(tcp?.latencyP99Ms.median),
                         ms(udp?.longestStallMs.median), ms(tcp?.longestStallMs.median)))
        }
    }
}
