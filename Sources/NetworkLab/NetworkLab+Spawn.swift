#if os(Linux)
import CNetworkLab
import Foundation
import Glibc

extension NetworkLab {
    /// Starts `arguments` (a program name or path, then its arguments) inside one side of the lab.
    ///
    /// The program is looked up in `PATH` as a shell would. It sees only that side's network: `lo` and
    /// `lab0` with the side's address, and a route to the other side across the impaired link. It runs
    /// as the caller's user (root inside the user namespace in rootless mode), is killed if this process
    /// dies, and is terminated by ``shutdown(grace:)``.
    public func spawn(
        _ arguments: [String],
        in side: LabSide,
        options: LabSpawnOptions = LabSpawnOptions()
    ) throws(NetworkLabError) -> LabProcess {
        guard let program = arguments.first else {
            throw NetworkLabError(.invalidArgument, "nothing to run: the command is empty")
        }
        let environment = SpawnPlan.environment(base: ProcessInfo.processInfo.environment.map { "\($0.key)=\($0.value)" }.sorted(), adding: options.environment)
        let currentDirectory = FileManager.default.currentDirectoryPath
        guard
            let path = SpawnPlan.resolveExecutable(
                program,
                searchPath: SpawnPlan.lookup("PATH", in: environment),
                currentDirectory: currentDirectory,
                isExecutable: { access($0, X_OK) == 0 }
            )
        else {
            throw NetworkLabError(.spawnFailed, "cannot run \(program): no such executable program (looked in PATH)")
        }

        let wiring = try StandardStreams(options)
        defer { wiring.closeParentCopies() }
        let handles = self.handles(side)
        let mode = self.mode
        let parent = getpid()
        let request = SpawnRequest(
            path: path,
            arguments: arguments,
            environment: environment,
            workingDirectory: options.workingDirectory,
            userNamespace: handles.userNamespaceToJoin(mode),
            networkNamespace: handles.networkNamespace,
            input: wiring.input,
            output: wiring.output,
            error: wiring.error,
            ownProcessGroup: options.ownProcessGroup,
            parent: parent
        )
        guard !self.isShutDown else {
            throw NetworkLabError(.shutDown, "the lab was shut down; build a new one")
        }
        let outcome = self.supervisor.perform { request.run() }
        switch outcome {
        case .failure(let failure):
            throw NetworkLabError(.spawnFailed, "cannot run \(program) in the \(side): \(failure.explain())")
        case .success(let pid):
            let process = LabProcess(
                pid: pid,
                side: side,
                arguments: arguments,
                ownProcessGroup: options.ownProcessGroup,
                outputCapture: wiring.takeOutputCapture(),
                errorCapture: wiring.takeErrorCapture()
            )
            process.startWatching()
            let accepted = self.state.withLock { state -> Bool in
                guard !state.isShutDown else { return false }
                state.processes.append(process)
                return true
            }
            if !accepted {
                process.terminateSynchronously(grace: .zero)
                throw NetworkLabError(.shutDown, "the lab was shut down while \(program) was starting")
            }
            return process
        }
    }

    /// Processes started in the lab so far, running or not.
    public var processes: [LabProcess] {
        self.state.withLock { $0.processes }
    }
}

/// Everything `netlab_spawn` needs, as values that can cross to the supervisor thread.
struct SpawnRequest: Sendable {
    let path: String
    let arguments: [String]
    let environment: [String]
    let workingDirectory: String?
    let userNamespace: Int32
    let networkNamespace: Int32
    let input: Int32
    let output: Int32
    let error: Int32
    let ownProcessGroup: Bool
    let parent: pid_t

    /// Forks and executes; must run on the supervisor thread (see ``LabSupervisor``).
    func run() -> Result<Int32, ChildFailure> {
        let argv = CStrings(self.arguments)
        let envp = CStrings(self.environment)
        let strings = CStrings([self.path, self.workingDirectory ?? ""])
        defer {
            argv.free()
            envp.free()
            strings.free()
        }
        return argv.withArray { argvArray in
            envp.withArray { envpArray in
                var config = netlab_spawn_config()
                config.path = UnsafePointer(strings[0])
                config.argv = argvArray
                config.envp = envpArray
                config.userns_fd = self.userNamespace
                config.netns_fd = self.networkNamespace
                config.stdin_fd = self.input
                config.stdout_fd = self.output
                config.stderr_fd = self.error
                config.working_directory = self.workingDirectory == nil ? nil : UnsafePointer(strings[1])
                config.new_process_group = self.ownProcessGroup ? 1 : 0
                config.parent_death_signal = SIGKILL
                // Its own PID namespace: what it starts dies with it, even when the lab is killed.
                config.new_pid_namespace = 1
                config.parent_pid = self.parent
                var failure = netlab_status()
                let pid = netlab_spawn(&config, &failure)
                return pid > 0 ? .success(pid) : .failure(ChildFailure(failure))
            }
        }
    }
}

/// The descriptors a spawned process gets as standard input, output and error.
final class StandardStreams {
    let input: Int32
    let output: Int32
    let error: Int32
    private var outputCapture: Int32 = -1
    private var errorCapture: Int32 = -1
    /// Descriptors opened only to hand to the child.
    private var parentCopies: [Int32] = []

    init(_ options: LabSpawnOptions) throws(NetworkLabError) {
        var opened: [Int32] = []
        func open(_ path: String, _ flags: Int32) throws(NetworkLabError) -> Int32 {
            let fd = Glibc.open(path, flags | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                let error = errno
                opened.forEach { SystemCall.closeQuietly($0) }
                throw NetworkLabError(.spawnFailed, "cannot open \(path): \(SystemCall.describe(error))")
            }
            opened.append(fd)
            return fd
        }
        func temporary() throws(NetworkLabError) -> Int32 {
            var template = Array("\(NSTemporaryDirectory())/netcode-lab-XXXXXX".utf8CString)
            let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard fd >= 0 else {
                let error = errno
                opened.forEach { SystemCall.closeQuietly($0) }
                throw NetworkLabError(.spawnFailed, "cannot create a file to capture output: \(SystemCall.describe(error))")
            }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
            return fd
        }

        self.input = options.inheritStandardInput ? -1 : try open("/dev/null", O_RDONLY)
        switch options.output {
        case .inherit:
            self.output = -1
            self.error = -1
        case .discard:
            self.output = try open("/dev/null", O_WRONLY)
            self.error = self.output
        case .files(let standardOutput, let standardError):
            self.output = try open(standardOutput, O_WRONLY | O_CREAT | O_TRUNC)
            self.error = standardError == standardOutput ? self.output : try open(standardError, O_WRONLY | O_CREAT | O_TRUNC)
        case .capture:
            let output = try temporary()
            let error: Int32
            do {
                error = try temporary()
            } catch {
                close(output)
                opened.forEach { SystemCall.closeQuietly($0) }
                throw error
            }
            self.output = output
            self.error = error
            self.outputCapture = output
            self.errorCapture = error
        }
        self.parentCopies = opened
    }

    func takeOutputCapture() -> Int32 {
        defer { self.outputCapture = -1 }
        return self.outputCapture
    }

    func takeErrorCapture() -> Int32 {
        defer { self.errorCapture = -1 }
        return self.errorCapture
    }

    /// Closes what only the child needed; capture files not taken by a ``LabProcess`` too.
    func closeParentCopies() {
        for fd in self.parentCopies { SystemCall.closeQuietly(fd) }
        SystemCall.closeQuietly(self.outputCapture)
        SystemCall.closeQuietly(self.errorCapture)
    }
}
#endif
