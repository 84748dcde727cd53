import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The temporary folder one lab point works in (the server's database, the bots' report, both logs).
///
/// Its name carries the pid of the `netcode` process that made it, so a later run can tell a folder
/// whose owner is gone (killed with SIGKILL, so its own clean-up never ran) from one in use, and
/// removes the former before it starts.
enum LabWorkFolder {
    static let prefix = "netcode-compare-"

    /// Removes what dead runs left behind, then makes a fresh folder for this point.
    static func make(in parent: URL = FileManager.default.temporaryDirectory) throws -> URL {
        self.removeLeftovers(in: parent)
        let folder = parent.appendingPathComponent("\(Self.prefix)\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Folders of this kind whose owning process no longer exists; the names of those removed.
    @discardableResult
    static func removeLeftovers(in parent: URL = FileManager.default.temporaryDirectory) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? []
        var removed: [String] = []
        for name in names where name.hasPrefix(Self.prefix) {
            let owner = name.dropFirst(Self.prefix.count).prefix { $0.isNumber }
            guard let pid = pid_t(owner), pid > 0, !Self.isAlive(pid) else { continue }
            if (try? FileManager.default.removeItem(at: parent.appendingPathComponent(name))) != nil { removed.append(name) }
        }
        return removed
    }

    /// Whether a process with this pid exists (ours or not: EPERM means it exists).
    static func isAlive(_ pid: pid_t) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }
}
