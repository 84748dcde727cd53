/// The pure parts of starting a program: finding it and building its environment.
enum SpawnPlan {
    /// The path to execute for `name`: as given when it contains a slash (made absolute against
    /// `currentDirectory`), otherwise the first executable match in the `PATH`-style `searchPath`.
    static func resolveExecutable(
        _ name: String,
        searchPath: String?,
        currentDirectory: String,
        isExecutable: (String) -> Bool
    ) -> String? {
        guard !name.isEmpty else { return nil }
        if name.contains("/") {
            let path = self.dropDotComponents(name.hasPrefix("/") ? name : self.join(currentDirectory, name))
            return isExecutable(path) ? path : nil
        }
        let directories = (searchPath ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":", omittingEmptySubsequences: false)
        for directory in directories {
            // An empty PATH entry means the current directory.
            let base = directory.isEmpty ? currentDirectory : String(directory)
            let candidate = self.join(base.hasPrefix("/") ? base : self.join(currentDirectory, base), name)
            if isExecutable(candidate) { return candidate }
        }
        return nil
    }

    /// `base` (`NAME=value` entries) with `additions` replacing or adding variables, in a stable order.
    static func environment(base: [String], adding additions: [String: String]) -> [String] {
        var result: [String] = []
        for entry in base {
            let name = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? entry
            if additions[name] == nil { result.append(entry) }
        }
        for name in additions.keys.sorted() {
            result.append("\(name)=\(additions[name]!)")
        }
        return result
    }

    /// The value of `name` in a `NAME=value` list.
    static func lookup(_ name: String, in environment: [String]) -> String? {
        let prefix = name + "="
        return environment.first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
    }

    /// `/a/./b` → `/a/b`; `..` is left alone (it depends on symbolic links).
    private static func dropDotComponents(_ path: String) -> String {
        let components = path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
        return "/" + components.joined(separator: "/")
    }

    private static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}
