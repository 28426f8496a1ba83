import Foundation
import MXGPAdminAPI

#if canImport(Glibc)
import Glibc
#endif

/// The embedded lab runtime: one network namespace per node (`mxgp-<lab>-<node>`), a veth
/// pair per link, the nodes as processes of this machine. Needs root.
///
/// Node files live in the lab folder (``LabDirectory``); the admin API is reached over the
/// node's Unix socket, which is a file and so needs no route into the namespace.
public struct NetnsBackend: LabBackend {
    public let kind = LabBackendKind.netns
    /// The `mxgp` executable the nodes run.
    public var binary: String
    public var directory: LabDirectory
    public var runner: any CommandRunner

    public init(binary: String, directory: LabDirectory, runner: any CommandRunner = ProcessRunner()) {
        self.binary = binary
        self.directory = directory
        self.runner = runner
    }

    /// Says clearly what is missing when this machine cannot run the backend.
    public static func checkPrerequisites(runner: any CommandRunner = ProcessRunner()) async throws {
        guard geteuid() == 0 else {
            throw LabError("the netns backend needs root (it creates network namespaces and veth pairs): run it with sudo, or use --backend compose")
        }
        for tool in ["ip", "iptables", "tc"] {
            let found = await runner.run(["sh", "-c", "command -v \(tool)"], timeout: .seconds(5))
            guard found.succeeded else {
                throw LabError("\(tool) is not installed; the netns backend needs it (Debian: apt-get install -y iproute2 iptables)")
            }
        }
    }

    public func nodeBinary(_ state: LabState) -> String { state.binary }

    public func up(_ plan: LabPlan, progress: @Sendable (String) -> Void) async throws {
        try await Self.checkPrerequisites(runner: runner)
        if plan.nodes.contains(where: { plan.runsPostfix($0.name) }), !PostfixInstance.installed {
            throw LabError("lab \(plan.name) has Postfix nodes (mta: postfix) but Postfix is not installed; Debian: apt-get install -y postfix (choose \"No configuration\")")
        }
        let limits = LabHostLimits.raise(nodes: plan.nodes.count, links: plan.links.count)
        limits.raised.forEach(progress)
        limits.failed.forEach { progress("warning: \($0)") }
        let setup = NetnsCommands.setup(plan)
        let folder = directory.labPath(plan.name) + "/setup"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let steps = NetnsBatch.steps(setup, folder: folder)
        progress("creating \(plan.nodes.count) namespaces and \(plan.links.count) links (\(setup.count) commands in \(steps.count) batches)")
        let setupStarted = ContinuousClock.now
        let lanes = NetnsBatch.lanes(steps)
        for step in lanes.host { try await run(step) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            var pending = lanes.namespaces.makeIterator()
            func next() -> Bool {
                guard let lane = pending.next() else { return false }
                group.addTask { for step in lane { try await run(step) } }
                return true
            }
            for _ in 0..<Self.setupLanes where next() {}
            while try await group.next() != nil { _ = next() }
        }
        for step in lanes.rest { try await run(step) }
        if plan.nodes.count > LabPlanner.bigLabNodes { progress("set up in \(Lab.seconds(ContinuousClock.now - setupStarted))") }
        // Every mxgp node from one launcher script: one process spawn for the lab, not one per
        // node (launching a thousand processes this way takes about 1.5 s here).
        let postfix = plan.nodes.filter { plan.runsPostfix($0.name) }
        let mxgp = plan.nodes.filter { !plan.runsPostfix($0.name) }
        let started = ContinuousClock.now
        if !mxgp.isEmpty {
            let script = "\(folder)/launch.sh"
            try (mxgp.map { launchLine(plan, node: $0) }.joined(separator: "\n") + "\n").write(toFile: script, atomically: false, encoding: .utf8)
            try await recordPIDs(plan, launcherOutput: runner.check(["bash", script], timeout: .seconds(300)), expected: mxgp.map(\.name))
        }
        try? FileManager.default.removeItem(atPath: folder)
        for node in postfix {
            try await start(plan, node: node.name)
        }
        if plan.nodes.count > LabPlanner.bigLabNodes { progress("started \(plan.nodes.count) nodes in \(Lab.seconds(ContinuousClock.now - started))") }
    }

    /// How many namespaces are configured side by side: their `ip` and `iptables-restore`
    /// processes mostly wait for the kernel (a new namespace's tables), not for a core.
    static let setupLanes = 8

    /// Runs one setup step, writing its batch file first.
    func run(_ step: NetnsBatch.Step) async throws {
        if let file = step.file { try file.text.write(toFile: file.name, atomically: false, encoding: .utf8) }
        try await runner.check(step.argv, timeout: .seconds(120))
    }

    /// The shell line that starts mxgp node `node` in its namespace, detached (`setsid`, its
    /// output to its log, no descriptor of the caller), and prints `NAME PID`.
    func launchLine(_ plan: LabPlan, node: PlannedNode) -> String {
        let q = LabShell.quoted
        return NetnsCommands.enter(node.namespace).map(q).joined(separator: " ") + " setsid \(q(binary)) node --config \(q(plan.layout.configPath(node.name))) "
            + ">>\(q(directory.logPath(plan.name, node.name))) 2>&1 </dev/null & echo \"\(node.name) $!\""
    }

    /// Writes the pid file of every node in a launcher's `NAME PID` lines; all of `expected` must be there.
    func recordPIDs(_ plan: LabPlan, launcherOutput output: String, expected: [String]) throws {
        var pids: [String: Int32] = [:]
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 2, let pid = Int32(fields[1]) { pids[String(fields[0])] = pid }
        }
        for name in expected {
            guard let pid = pids[name] else { throw LabError("could not start node \(name): the launcher printed \(output.debugDescription)") }
            try "\(pid)\n".write(toFile: directory.pidPath(plan.name, name), atomically: true, encoding: .utf8)
        }
    }

    public func down(_ plan: LabPlan) async throws {
        var failures: [String] = []
        await stopProcesses(in: plan.nodes.map(\.namespace))
        var existing: [PlannedNode] = []
        for node in plan.nodes where await namespaceExists(node.namespace) { existing.append(node) }
        // All namespaces in one `ip -force -batch` (a thousand-node lab goes in seconds); what
        // it could not remove is tried once more one by one, for the error message.
        if existing.count > 1 {
            let folder = directory.labPath(plan.name)
            let file = "\(folder)/teardown.ip"
            if (try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)) != nil,
               (try? existing.map { "netns del \($0.namespace)\n" }.joined().write(toFile: file, atomically: false, encoding: .utf8)) != nil {
                _ = await runner.run(["ip", "-force", "-batch", file], timeout: .seconds(120))
                try? FileManager.default.removeItem(atPath: file)
            }
        }
        for node in existing where await namespaceExists(node.namespace) {
            for command in NetnsCommands.teardown(node) {
                let result = await runner.run(command)
                if !result.succeeded { failures.append(CommandFailure(argv: command, result: result).description) }
            }
        }
        guard failures.isEmpty else { throw LabError("down left things behind: " + failures.joined(separator: "; ")) }
    }

    public func exec(_ plan: LabPlan, node: String, _ argv: [String], timeout: Duration) async -> CommandResult {
        guard let planned = plan.node(node) else { return CommandResult(status: -1, stderr: "no node \(node) in lab \(plan.name)") }
        return await runner.run(NetnsCommands.exec(planned, argv), timeout: timeout)
    }

    public func signal(_ plan: LabPlan, node: String, _ signal: NodeSignal) async throws {
        guard let pid = pid(plan.name, node), processAlive(pid) else {
            throw LabError("node \(node) of lab \(plan.name) is not running")
        }
        let number: Int32
        switch signal {
        case .kill: number = SIGKILL
        case .terminate: number = SIGTERM
        case .pause: number = SIGSTOP
        case .resume: number = SIGCONT
        }
        guard kill(pid, number) == 0 else { throw LabError("could not signal node \(node) (pid \(pid)): \(String(cString: strerror(errno)))") }
        // Wait until the kernel shows the effect, so the next command sees it.
        let deadline = ContinuousClock.now + .seconds(10)
        switch signal {
        case .kill, .terminate:
            while processAlive(pid), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            // A Postfix node is its master and the daemons it started, which end only when they
            // notice the master is gone: the signal takes every process of the namespace, and the
            // node is stopped once none is left (the dead reaped).
            if plan.runsPostfix(node), let namespace = plan.node(node)?.namespace {
                while ContinuousClock.now < deadline {
                    let left = Self.pids(inNamespaces: [namespace])
                    if left.isEmpty { break }
                    for other in left where processAlive(other) { kill(other, number) }
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
        case .pause:
            while Self.processState(pid) != "T", processAlive(pid), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        case .resume:
            while Self.processState(pid) == "T", ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        }
    }

    public func start(_ plan: LabPlan, node: String) async throws {
        guard let planned = plan.node(node) else { throw LabError("no node \(node) in lab \(plan.name)") }
        if let pid = pid(plan.name, node), processAlive(pid) { throw LabError("node \(node) is already running (pid \(pid))") }
        let log = directory.logPath(plan.name, node)
        if plan.runsPostfix(node) {
            let folder = plan.layout.storePath(node)
            try await PostfixInstance.check(folder, runner: runner)
            let output = try await runner.check(PostfixInstance.launch(namespace: planned.namespace, directory: folder, log: log))
            guard let pid = Int32(output.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw LabError("could not start Postfix on node \(node): the launcher printed \(output.debugDescription)")
            }
            try "\(pid)\n".write(toFile: directory.pidPath(plan.name, node), atomically: true, encoding: .utf8)
            return
        }
        // The runner's spawner passes no descriptor but 0, 1 and 2, which the launcher points
        // away from its own pipes: the node holds no test listener or pipe of this process.
        try recordPIDs(plan, launcherOutput: await runner.check(["bash", "-c", launchLine(plan, node: planned)]), expected: [node])
    }

    public func state(_ plan: LabPlan, node: String) async -> NodeProcessState {
        guard let pid = pid(plan.name, node), processAlive(pid) else { return .stopped }
        return Self.processState(pid) == "T" ? .paused : .running
    }

    public func admin(_ plan: LabPlan, node: String, method: String, path: String) async throws -> (status: Int, body: String) {
        let client = AdminClient(endpoint: .unixSocket(path: plan.layout.adminSocket(node)), timeout: .seconds(5))
        let response = try await client.request(method, path)
        return (response.status, response.body)
    }

    // MARK: - Processes and kernel objects

    public func processID(_ plan: LabPlan, node: String) async -> Int32? {
        pid(plan.name, node).flatMap { processAlive($0) ? $0 : nil }
    }

    func pid(_ lab: String, _ node: String) -> Int32? {
        guard let text = try? String(contentsOfFile: directory.pidPath(lab, node), encoding: .utf8) else { return nil }
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    func processAlive(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        return Self.processState(pid) != "Z"
    }

    /// The state letter of `/proc/PID/stat` (R, S, T, Z…).
    static func processState(_ pid: Int32) -> Character? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        return stat[stat.index(after: close)...].first { $0 != " " }
    }

    /// Stops every process in these namespaces, all at once: SIGTERM, then SIGKILL after 3 s;
    /// paused ones are resumed first so they can act on the signal.
    public func stopProcesses(in namespaces: [String]) async {
        for (signal, wait) in [(SIGTERM, 3.0), (SIGKILL, 2.0)] {
            let pids = Self.pids(inNamespaces: namespaces).filter(processAlive)
            if pids.isEmpty { return }
            for pid in pids {
                kill(pid, SIGCONT)
                kill(pid, signal)
            }
            let deadline = Date().addingTimeInterval(wait)
            while Date() < deadline, pids.contains(where: processAlive) {
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    /// The processes whose network namespace is one of these (as `ip netns pids` finds
    /// them, by the namespace's inode), in one pass over /proc for all of them.
    static func pids(inNamespaces namespaces: [String]) -> [Int32] {
        var inodes: Set<UInt64> = []
        for namespace in namespaces {
            var info = stat()
            if stat("/run/netns/\(namespace)", &info) == 0 { inodes.insert(UInt64(info.st_ino)) }
        }
        guard !inodes.isEmpty, let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { entry -> Int32? in
            guard let pid = Int32(entry) else { return nil }
            var info = stat()
            guard stat("/proc/\(entry)/ns/net", &info) == 0, inodes.contains(UInt64(info.st_ino)) else { return nil }
            return pid
        }
    }

    func namespaceExists(_ namespace: String) async -> Bool {
        FileManager.default.fileExists(atPath: "/run/netns/\(namespace)")
    }

    /// Every namespace whose name starts with `prefix` (`mxgp-` for all labs).
    public func namespaces(prefix: String) async -> [String] {
        let result = await runner.run(["ip", "netns", "list"], timeout: .seconds(10))
        return result.stdout.split(separator: "\n").compactMap { line in
            line.split(separator: " ").first.map(String.init)
        }.filter { $0.hasPrefix(prefix) }
    }
}
