#if os(Linux)
import Foundation
import Glibc
import LinkEmulator
import Testing

@testable import NetworkLab

/// Builds real labs: namespaces, TUN devices, kernel TCP and UDP. Cancelled (with the reason) where
/// ``NetworkLab/availability(tunDevicePath:probing:)`` says no lab can be built.
@Suite("Network lab on a real kernel", .serialized, .timeLimit(.minutes(1)))
struct NetworkLabIntegrationTests {
    /// NETCODE_LAB_TUN_DEVICE points the tests at another TUN clone device, e.g. a 0666 copy of
    /// /dev/net/tun (`mknod tun c 10 200`) to run them rootless on a machine where the real one is 0600.
    static let tunDevicePath = ProcessInfo.processInfo.environment["NETCODE_LAB_TUN_DEVICE"] ?? "/dev/net/tun"

    func makeLab(_ link: LinkProfile, seed: UInt64 = 7) throws -> NetworkLab {
        let availability = NetworkLab.availability(tunDevicePath: Self.tunDevicePath)
        guard availability.isAvailable else { try Test.cancel(Comment(rawValue: availability.reason)) }
        return try NetworkLab(configuration: LabConfiguration(link: link, seed: seed, tunDevicePath: Self.tunDevicePath))
    }

    @Test("UDP and TCP cross a link with 10% loss and 20 ms each way, and TCP retransmits")
    func impairedLink() throws {
        let lab = try self.makeLab(.symmetric(name: "test", ImpairmentProfile(loss: 0.1, latency: .milliseconds(20))))
        defer { lab.shutdown() }
        let started = SystemCall.monotonicNow()
        let report = try lab.runSelfTest(LabSelfTestOptions(pings: 200, pingInterval: .milliseconds(4), tcpBytes: 256 * 1024, timeout: .seconds(20)))
        let elapsed = SystemCall.monotonicNow() - started

        let udp = report.udp
        #expect(udp.sent == 200)
        // 10% each way; 200 samples put the measured loss within these bounds far more often than not.
        #expect((0.03...0.2).contains(udp.upstreamLoss), "upstream loss \(udp.upstreamLoss)")
        #expect((0.03...0.2).contains(udp.downstreamLoss), "downstream loss \(udp.downstreamLoss)")
        #expect(udp.duplicates == 0 && udp.duplicateReplies == 0)
        let roundTrip = try #require(udp.roundTrip)
        let up = try #require(udp.upstream)
        let down = try #require(udp.downstream)
        #expect(roundTrip.minimum >= .milliseconds(40))
        #expect(roundTrip.median < .milliseconds(55), "round trip p50 \(roundTrip.median)")
        #expect(up.minimum >= .milliseconds(20) && up.median < .milliseconds(28), "upstream p50 \(up.median)")
        #expect(down.minimum >= .milliseconds(20) && down.median < .milliseconds(28), "downstream p50 \(down.median)")

        let tcp = report.tcp
        #expect(tcp.intact)
        #expect(tcp.bytesReceived == 256 * 1024)
        #expect(tcp.retransmissions > 0)
        #expect(tcp.kernelRetransmittedSegments > 0)
        #expect(tcp.smoothedRoundTrip >= .milliseconds(35))

        // The emulator dropped what the model said, and every other packet came out the other side.
        for direction in [report.link.upstream, report.link.downstream] {
            #expect(direction.link.droppedRandom > 0)
            #expect(direction.writeFailures == 0)
            #expect(direction.malformedPackets == 0)
            #expect(direction.packetsWritten == direction.packetsRead - direction.dropped - direction.inFlight)
            #expect(direction.kernelQueueDrops == 0)
        }
        #expect(report.link.upstream.udpPackets >= 200)
        #expect(elapsed < .seconds(20))
    }

    @Test("duplication and reordering reach the sockets")
    func duplicates() throws {
        let lab = try self.makeLab(
            LinkProfile(
                name: "test",
                upstream: ImpairmentProfile(latency: .milliseconds(2), duplicate: 0.5),
                downstream: ImpairmentProfile(latency: .milliseconds(2), reorder: 0.3, reorderDelay: .milliseconds(10))
            )
        )
        defer { lab.shutdown() }
        let report = try lab.runSelfTest(LabSelfTestOptions(pings: 100, pingInterval: .milliseconds(2), tcpBytes: 0))
        #expect(report.udp.reachedServer == 100)
        #expect(report.udp.repliesReceived == 100)
        #expect(report.udp.duplicates > 20)
        #expect(report.link.upstream.link.duplicated == report.udp.duplicates)
        // Each duplicated request is echoed too; the downstream direction duplicates nothing itself.
        #expect(report.udp.duplicateReplies == report.udp.duplicates)
        #expect(report.link.downstream.link.reordered > 10)
    }

    @Test("a program started on the client side sees the lab's network and its exit status comes back")
    func spawn() async throws {
        let lab = try self.makeLab(.none)
        defer { lab.shutdown() }
        let routes = try lab.spawn(["cat", "/proc/net/route", "/proc/net/dev"], in: .client)
        #expect(await routes.wait() == .exited(0))
        let output = routes.standardOutput()
        // The route to the server side (10.201.0.1, little-endian hex) goes through the TUN device,
        // and no interface but lo and lab0 exists in the namespace.
        #expect(output.contains("lab0\t0100C90A"), "\(output)")
        let interfaces = output.split(separator: "\n").filter { $0.contains(":") && !$0.contains("|") }
        #expect(interfaces.count == 2, "\(interfaces)")

        let failing = try lab.spawn(["/bin/sh", "-c", "echo oops >&2; exit 3"], in: .server)
        #expect(await failing.wait() == .exited(3))
        #expect(failing.standardError() == "oops\n")

        #expect(throws: NetworkLabError.self) { try lab.spawn(["no-such-program-here"], in: .client) }
    }

    @Test("a socket made on one side reaches the other, and its listening port shows on its side only")
    func sockets() async throws {
        let lab = try self.makeLab(.none)
        defer { lab.shutdown() }
        let listener = LabSocket(try lab.makeSocket(in: .server, type: .tcp))
        try listener.bind(.server, port: 7777)
        let bound = LabSocket(try lab.makeSocket(in: .server, type: .udp))
        try bound.bind(.server, port: 7778)
        #expect(!lab.openPorts(on: .server).tcp.contains(7777))
        try listener.listen()
        try await lab.waitUntilListening(on: .server, tcpPort: 7777, udpPort: 7778, timeout: .seconds(2))
        #expect(lab.openPorts(on: .client).tcp.isEmpty)
        await #expect(throws: NetworkLabError.self) {
            try await lab.waitUntilListening(on: .client, tcpPort: 7777, timeout: .milliseconds(100))
        }
        let client = LabSocket(try lab.makeSocket(in: .client, type: .tcp))
        client.setTimeouts(.seconds(5))
        try client.connect(.server, port: 7777)
        #expect(lab.counters().upstream.tcpPackets >= 1)
        #expect(NetworkLab.currentExecutablePath != nil)
    }

    @Test("shutdown ends the lab's processes, and counters stay readable")
    func shutdown() throws {
        let lab = try self.makeLab(.none)
        let sleeper = try lab.spawn(["sleep", "30"], in: .server)
        #expect(sleeper.exitStatus == nil)
        lab.shutdown(grace: .milliseconds(500))
        // As root a program is process 1 of its own PID namespace, where a signal it has no handler for
        // (sleep has none for SIGTERM) is ignored: the SIGKILL after the grace period ends it.
        let expected: LabExitStatus = geteuid() == 0 ? .signaled(SIGKILL) : .signaled(SIGTERM)
        #expect(sleeper.waitUntilExit(timeout: .seconds(5)) == expected)
        #expect(kill(sleeper.pid, 0) != 0)
        #expect(lab.isShutDown)
        #expect(throws: NetworkLabError.self) { try lab.spawn(["true"], in: .client) }
        #expect(throws: NetworkLabError.self) { try lab.makeSocket(in: .client, type: .udp) }
        #expect(try lab.kernelCounters(of: .server).value("Tcp", "RtoMin") == 200)
    }

    @Test("a program in a side sees the /proc of its own PID namespace, and the host's /proc is untouched")
    func procOfItsOwnNamespace() throws {
        guard geteuid() == 0 else { try Test.cancel("PID namespaces for lab programs need root; a rootless lab forks them as before") }
        let lab = try self.makeLab(.none)
        defer { lab.shutdown() }
        // With the host's /proc, /proc/1 would be the host's first process: libdispatch's worker monitor
        // reads /proc/<tid>/stat of its own threads and crashed lab programs (SIGILL) when it was missing.
        let marker = "proc-\(UInt32.random(in: 100_000...999_999))"
        let script = "echo $$; tr '\\0' ' ' < /proc/$$/cmdline; echo; for t in /proc/self/task/*; do test -e /proc/${t##*/}/stat && echo task; done"
        let program = try lab.spawn(["/bin/sh", "-c", script, "sh", marker], in: .client)
        #expect(program.waitUntilExit(timeout: .seconds(30)) == .exited(0))
        let lines = program.standardOutput().split(separator: "\n").map(String.init)
        try #require(lines.count >= 3, "output: \(lines)")
        #expect(lines[0] == "1", "the shell is process 1 of its namespace")
        #expect(lines[1].contains(marker), "/proc/1 is the shell itself, not \(lines[1])")
        #expect(lines.dropFirst(2).allSatisfy { $0 == "task" })
        // The mount stayed in the program's namespace: this process still sees itself in /proc/self.
        let own = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self")
        #expect(own == "\(getpid())")
    }

    @Test("a terminate whose caller is cancelled kills at once instead of waiting out the grace")
    func cancelledTerminate() async throws {
        let lab = try self.makeLab(.none)
        defer { lab.shutdown() }
        let sleeper = try lab.spawn(["sleep", "600"], in: .server)
        // An hour of grace: only the cancellation can cut it short. The watchdog is a hang guard: it
        // ends the program itself (and fails the test) if terminate waits out the grace after all.
        let terminating = Task { await sleeper.terminate(grace: .seconds(3600)) }
        terminating.cancel()
        let watchdog = Task {
            try await Task.sleep(for: .seconds(30))
            Issue.record("a cancelled terminate was still waiting after 30 s")
            sleeper.signal(SIGKILL)
        }
        let status = await terminating.value
        watchdog.cancel()
        // As root the program is process 1 of its PID namespace and ignores SIGTERM: SIGKILL ends it.
        #expect(status == (geteuid() == 0 ? .signaled(SIGKILL) : .signaled(SIGTERM)))
        #expect(sleeper.exitStatus == status)
    }
}
#endif
