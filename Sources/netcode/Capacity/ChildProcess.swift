import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A program the capacity run starts as its own process (so its CPU is its own in /proc), with its
/// standard output and error going to a log file the run can read from.
final class ChildProcess {
    private let process = Process()
    let log: URL

    init(_ executable: String, _ arguments: [String], output: URL) throws {
        self.log = output
        FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        self.process.executableURL = URL(fileURLWithPath: executable)
        self.process.arguments = arguments
        self.process.standardOutput = handle
        self.process.standardError = handle
        try self.process.run()
    }

    var pid: Int32 { self.process.processIdentifier }
    var isRunning: Bool { self.process.isRunning }

    /// The exit status once the process has ended.
    var exitStatus: Int32? { self.process.isRunning ? nil : self.process.terminationStatus }

    /// Asks the process to stop (SIGTERM), then waits up to 10 s before killing it.
    func terminate() {
        guard self.process.isRunning else { return }
        self.process.terminate()
        for _ in 0..<1000 where self.process.isRunning { usleep(10_000) }
        if self.process.isRunning { kill(self.pid, SIGKILL) }
        self.process.waitUntilExit()
    }

    /// The newest line of the log that contains `text`, looking at the last 16 KiB.
    func lastLine(containing text: String) -> String? {
        guard let handle = try? FileHandle(forReadingFrom: self.log) else { return nil }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: size > 16384 ? size - 16384 : 0)
        let tail = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        return tail.split(separator: "\n").last { $0.contains(text) }.map(String.init)
    }
}

/// Whether something accepts TCP connections on 127.0.0.1:`port`.
enum TCPProbe {
    static func canConnect(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr = in_addr(s_addr: UInt32(0x7F00_0001).bigEndian)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}
