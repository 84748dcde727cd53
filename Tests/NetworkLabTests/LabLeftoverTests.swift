#if os(Linux)
import Foundation
import Glibc
import Testing

@testable import NetworkLab

/// `netcode lab run` killed with SIGKILL leaves no process behind: what its programs started, even in
/// the background, dies with them (each program is process 1 of its own PID namespace).
@Suite(.serialized, .timeLimit(.minutes(2)))
struct LabLeftoverTests {
    /// The `netcode` executable built beside the test bundle.
    static var netcode: URL? {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = folder.appendingPathComponent("netcode")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder.deleteLastPathComponent()
        }
        return nil
    }

    /// Pids of processes whose command line contains `marker`.
    func processes(containing marker: String) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry in
            guard let pid = pid_t(entry), let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { return nil }
            let line = String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
            return line.contains(marker) ? pid : nil
        }
    }

    @Test func backgroundProcessesDieWithAKilledLab() async throws {
        let availability = NetworkLab.availability(tunDevicePath: "/dev/net/tun")
        guard availability.isAvailable else { try Test.cancel(Comment(rawValue: availability.reason)) }
        guard geteuid() == 0 else { try Test.cancel("PID namespaces for lab programs need root; a rootless lab forks them as before") }
        let netcode = try #require(Self.netcode, "the netcode executable was built beside the tests")
        // Distinct sleeps, found by their arguments: two in the background on each side.
        let marker = "4242.\(UInt32.random(in: 100_000...999_999))"
        let lab = Process()
        lab.executableURL = netcode
        lab.arguments = [
            "lab", "run", "--quiet", "--network", "none",
            "--server", "sleep \(marker)1 & sleep \(marker)2 & wait",
            "--", "/bin/sh", "-c", "sleep \(marker)3 & sleep \(marker)4 & wait",
        ]
        lab.standardOutput = FileHandle.nullDevice
        lab.standardError = FileHandle.nullDevice
        try lab.run()
        defer {
            if lab.isRunning { kill(lab.processIdentifier, SIGKILL) }
            for pid in self.processes(containing: marker) { kill(pid, SIGKILL) }
        }

        let clock = ContinuousClock()
        var started: [pid_t] = []
        let startDeadline = clock.now + .seconds(60)
        while started.count < 4, clock.now < startDeadline, lab.isRunning {
            try await Task.sleep(for: .milliseconds(50))
            started = self.processes(containing: marker).filter { pid in
                // The sleeps themselves, not the shells whose command lines name them.
                (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.hasPrefix("sleep") == true
            }
        }
        try #require(started.count == 4, "the four background sleeps started (found \(started.count))")

        kill(lab.processIdentifier, SIGKILL)
        lab.waitUntilExit()
        var survivors = started
        let endDeadline = clock.now + .seconds(20)
        while !survivors.isEmpty, clock.now < endDeadline {
            try await Task.sleep(for: .milliseconds(50))
            survivors = survivors.filter { kill($0, 0) == 0 && !self.isZombie($0) }
        }
        #expect(survivors.isEmpty, "processes of the killed lab still running: \(survivors)")
    }

    func isZombie(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        return stat[stat.index(close, offsetBy: 2)...].hasPrefix("Z")
    }
}
#endif
