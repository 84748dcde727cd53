import ArgumentParser
import Foundation
import SocketExperiments

#if canImport(Glibc)
import Glibc

/// `netcode sockets <experiment>`: one chapter of a socket's life, run on real loopback sockets, with
/// the kernel's own counters as the evidence. docs/SOCKETS.md explains each one.
struct SocketsCommand: ParsableCommand {
    enum Experiment: String, CaseIterable, ExpressibleByArgument {
        case backlog, timeWait = "time-wait", reuseport, nagle, rcvbuf, halfClose = "half-close", ioModels = "io-models", unix, mtu, all
    }

    static let configuration = CommandConfiguration(
        commandName: "sockets",
        abstract: "Socket experiments on loopback and in the network lab: backlog, time-wait, reuseport, nagle, rcvbuf, half-close, io-models, unix, mtu.",
        discussion: """
            Each experiment prints its steps (•), the kernel's evidence (=) and notes (!). All run on \
            127.0.0.1 or socketpairs, end by themselves within seconds (time-wait and backlog take a few), \
            and leave nothing behind but TIME_WAIT entries the kernel expires after 60 s. Kernel counters are \
            read for the whole network namespace: other traffic on the machine can add to them. mtu builds \
            the network lab (netcode lab status says whether it can) and reads the counters of its two \
            namespaces, where nothing else runs.

            Examples:
              netcode sockets backlog --backlog 2 --clients 8
              netcode sockets rcvbuf
              netcode sockets mtu --mtu 1280 --loss 10%
              netcode sockets all
            """
    )

    @Argument(help: "The experiment: \(Experiment.allCases.map(\.rawValue).joined(separator: ", ")).")
    var experiment: Experiment

    @Option(help: "backlog: the listen() backlog.")
    var backlog: Int32 = 2

    @Option(help: "backlog: clients that connect; reuseport: flows.")
    var clients: Int = 8

    @Option(help: "io-models: round trips per client.")
    var roundTrips: Int = 500

    @Option(help: "mtu: the lab link's MTU (576-1500).")
    var mtu: Int = 1280

    @Option(help: "mtu: loss of each IP packet on the link, e.g. 10%.")
    var loss: String = "10%"

    @Option(help: "mtu: UDP payload sizes, comma-separated.")
    var payloads: String = "1200,1400,4000"

    @Option(help: "mtu: datagrams of each size.")
    var datagrams: Int = 200

    func validate() throws {
        guard (1...64).contains(self.clients) else { throw ValidationError("--clients must be 1...64") }
        guard (0...128).contains(self.backlog) else { throw ValidationError("--backlog must be 0...128") }
        guard (1...5_000).contains(self.roundTrips) else { throw ValidationError("--round-trips must be 1...5000") }
        guard (576...1500).contains(self.mtu) else { throw ValidationError("--mtu must be 576...1500") }
        guard (1...10_000).contains(self.datagrams) else { throw ValidationError("--datagrams must be 1...10000") }
        _ = try self.lossFraction()
        _ = try self.payloadSizes()
    }

    func lossFraction() throws -> Double {
        guard let value = Double(self.loss.replacingOccurrences(of: "%", with: "")), (0...90).contains(value) else {
            throw ValidationError("--loss takes a percentage between 0 and 90, e.g. 10%")
        }
        return value / 100
    }

    func payloadSizes() throws -> [Int] {
        let sizes = self.payloads.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !sizes.isEmpty, sizes.count == self.payloads.split(separator: ",").count, sizes.allSatisfy({ (2...65_000).contains($0) }) else {
            throw ValidationError("--payloads takes sizes of 2...65000 bytes, comma-separated, e.g. 1200,1400,4000")
        }
        return sizes
    }

    func run() throws {
        let log = ExperimentLog { line in print(line) }
        let chosen = self.experiment == .all ? Experiment.allCases.filter { $0 != .all } : [self.experiment]
        for experiment in chosen {
            print("== \(experiment.rawValue)")
            switch experiment {
            case .backlog: _ = try BacklogExperiment.run(backlog: self.backlog, clients: self.clients, log: log)
            case .timeWait: _ = try TimeWaitExperiment.run(log: log)
            case .reuseport: _ = try ReusePortExperiment.run(flows: max(self.clients, 2) * 4, log: log)
            case .nagle: _ = try NagleExperiment.run(log: log)
            case .rcvbuf: _ = try ReceiveBufferExperiment.run(log: log)
            case .halfClose: _ = try HalfCloseExperiment.run(log: log)
            case .ioModels: _ = try IOModelExperiment.run(roundTripsPerClient: self.roundTrips, log: log)
            case .unix: _ = try UnixSocketExperiment.run(log: log)
            case .mtu:
                do {
                    _ = try MTUExperiment.run(mtu: self.mtu, loss: try self.lossFraction(), payloads: try self.payloadSizes(), datagrams: self.datagrams, log: log)
                } catch let unavailable as MTUExperiment.Unavailable {
                    print("  ! skipped: \(unavailable)")
                    if self.experiment == .mtu { throw ExitCode(2) }
                }
            case .all: break
            }
            print("")
        }
    }
}
#else
struct SocketsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sockets", abstract: "Socket experiments (Linux only).")

    func run() throws {
        throw ValidationError("the socket experiments read Linux's /proc; they run on Linux only")
    }
}
#endif
