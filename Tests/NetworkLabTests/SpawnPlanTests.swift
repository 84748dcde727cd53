import Testing

@testable import NetworkLab

@Suite("Planning a process start")
struct SpawnPlanTests {
    let executables: Set<String> = ["/usr/bin/env", "/opt/tools/netcode", "/work/bin/run", "/home/me/project/script"]

    func resolve(_ name: String, path: String? = "/usr/local/bin:/usr/bin:/opt/tools") -> String? {
        SpawnPlan.resolveExecutable(name, searchPath: path, currentDirectory: "/home/me/project") { self.executables.contains($0) }
    }

    @Test("a bare name is searched in PATH, first match wins")
    func searchPath() {
        #expect(self.resolve("env") == "/usr/bin/env")
        #expect(self.resolve("netcode") == "/opt/tools/netcode")
        #expect(self.resolve("missing") == nil)
        #expect(self.resolve("netcode", path: "/usr/bin") == nil)
    }

    @Test("a name with a slash is used as a path, relative to the current directory")
    func paths() {
        #expect(self.resolve("/work/bin/run") == "/work/bin/run")
        #expect(self.resolve("./script") == "/home/me/project/script")
        #expect(self.resolve("/work/./bin//run") == "/work/bin/run")
        #expect(self.resolve("/work/bin/missing") == nil)
        #expect(self.resolve("") == nil)
    }

    @Test("an empty PATH entry means the current directory")
    func emptyEntry() {
        #expect(self.resolve("script", path: "/usr/bin:") == "/home/me/project/script")
    }

    @Test("added variables replace inherited ones and the rest is kept")
    func environment() {
        let merged = SpawnPlan.environment(
            base: ["PATH=/usr/bin", "HOME=/root", "EMPTY="],
            adding: ["HOME": "/tmp", "NETCODE_LAB_SIDE": "client"]
        )
        #expect(merged == ["PATH=/usr/bin", "EMPTY=", "HOME=/tmp", "NETCODE_LAB_SIDE=client"])
        #expect(SpawnPlan.lookup("HOME", in: merged) == "/tmp")
        #expect(SpawnPlan.lookup("EMPTY", in: merged) == "")
        #expect(SpawnPlan.lookup("HOM", in: merged) == nil)
    }
}
