import Foundation

/// What the container runtimes (compose, swarm) share: a Docker engine, the lab's files in
/// `<root>/<lab>/`, commands through `docker exec`, admin requests through `mxgp ctl api`
/// inside the node, process faults through `docker kill|pause|unpause`.
public protocol ContainerLabBackend: LabBackend {
    /// The compose folder (`<repository>/compose`); each lab gets a folder in it.
    var root: String { get set }
    var directory: LabDirectory { get }
    var runner: any CommandRunner { get }
    /// The container that runs `node` now, or nil when none does.
    func container(_ plan: LabPlan, node: String) async -> String?
    /// Throws, saying what is missing and what to do, when this backend cannot run here.
    func checkEngine() async throws
}

/// The file in a lab's state folder that records its compose folder, so later commands run
/// from anywhere find the lab's files.
enum ContainerLabFolder {
    static let recordName = "compose-dir"

    /// The compose folder `up` recorded for `lab`, if any.
    static func recordedRoot(lab: String, directory: LabDirectory) -> String? {
        let recorded = try? String(contentsOfFile: "\(directory.labPath(lab))/\(recordName)", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return recorded.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Records `root` as `lab`'s compose folder.
    static func record(_ root: String, lab: String, directory: LabDirectory) throws {
        try "\(root)\n".write(toFile: "\(directory.labPath(lab))/\(recordName)", atomically: true, encoding: .utf8)
    }
}

extension ContainerLabBackend {
    public func nodeBinary(_ state: LabState) -> String { "mxgp" }

    /// The lab's folder: `<root>/<lab>`.
    public func folder(_ plan: LabPlan) -> String { "\(root)/\(plan.name)" }

    /// Checks that docker is installed and an engine answers; the errors say what is missing.
    func checkDocker() async throws {
        let docker = await runner.run(["sh", "-c", "command -v docker"], timeout: .seconds(5))
        guard docker.succeeded else {
            throw LabError("docker is not installed, so the \(kind) backend cannot run here; install Docker Engine (Debian: apt-get install -y docker.io docker-compose), or use --backend netns (needs root)")
        }
        let info = await runner.run(["docker", "info", "--format", "{{.ServerVersion}}"], timeout: .seconds(20))
        guard info.succeeded, !info.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            let said = info.message.split(separator: "\n").first.map(String.init) ?? ""
            throw LabError("no docker engine answers (`docker info`\(said.isEmpty ? "" : ": \(said)")); start the docker daemon (systemctl start docker, or `dockerd &` as root without systemd) or point DOCKER_HOST at one, or use --backend netns (needs root); nothing was created. `mxgp lab up … --backend compose --generate-only` writes the compose files without an engine")
        }
    }

    public func exec(_ plan: LabPlan, node: String, _ argv: [String], timeout: Duration) async -> CommandResult {
        guard plan.node(node) != nil else { return CommandResult(status: -1, stderr: "no node \(node) in lab \(plan.name)") }
        guard let container = await container(plan, node: node) else {
            return CommandResult(status: -1, stderr: "node \(node) of lab \(plan.name) has no running container")
        }
        return await runner.run(["docker", "exec", container] + argv, timeout: timeout)
    }

    /// The state of a container (`docker inspect`): running, paused, or stopped for anything else.
    func containerState(_ container: String?) async -> NodeProcessState {
        guard let container else { return .stopped }
        let result = await runner.run(["docker", "inspect", "--format", "{{.State.Status}}", container], timeout: .seconds(15))
        switch result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) {
        case "running": return .running
        case "paused": return .paused
        default: return .stopped
        }
    }

    /// The container's PID 1 (`mxgp node`), as the host sees it.
    public func processID(_ plan: LabPlan, node: String) async -> Int32? {
        guard let container = await container(plan, node: node) else { return nil }
        let result = await runner.run(["docker", "inspect", "--format", "{{.State.Pid}}", container], timeout: .seconds(15))
        return Int32(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)).flatMap { $0 > 0 ? $0 : nil }
    }

    public func state(_ plan: LabPlan, node: String) async -> NodeProcessState {
        await containerState(await container(plan, node: node))
    }

    /// Waits until the node's entrypoint has set up its interfaces and `mxgp node` listens on
    /// its admin socket, or (`mta: postfix`) Postfix's master has written its pid file (faults
    /// and impairments need the interfaces named after the peers).
    func waitUntilReady(_ plan: LabPlan, node: String, timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        var last = CommandResult(status: -1)
        let ready = plan.runsPostfix(node) ? ["test", "-s", PostfixConfig.masterPIDFile(in: plan.layout.storePath(node))] : ["test", "-S", plan.layout.adminSocket(node)]
        while ContinuousClock.now < deadline {
            if let container = await container(plan, node: node) {
                last = await runner.run(["docker", "exec", container] + ready, timeout: .seconds(10))
                if last.succeeded { return }
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        var tail = ""
        if let container = await container(plan, node: node) {
            let logs = await runner.run(["docker", "logs", "--tail", "5", container], timeout: .seconds(10))
            tail = (logs.stdout + logs.stderr).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        throw LabError("node \(node) of lab \(plan.name) did not start within \(timeout)" + (tail.isEmpty ? "" : "; the end of its log:\n\(tail)"))
    }

    /// Sends a process signal to a node's container (`docker kill|stop|pause|unpause`).
    func signalContainer(_ plan: LabPlan, node: String, _ signal: NodeSignal) async throws {
        guard plan.node(node) != nil else { throw LabError("no node \(node) in lab \(plan.name)") }
        let container = await container(plan, node: node)
        let current = await containerState(container)
        guard let container, current != .stopped else {
            throw LabError("node \(node) of lab \(plan.name) is not running (\(container.map { "container \($0)" } ?? "no container"))")
        }
        let argv: [String]
        switch signal {
        case .kill: argv = ["docker", "kill", "--signal", "KILL", container]
        case .terminate: argv = ["docker", "stop", "--time", "10", container]
        case .pause: argv = ["docker", "pause", container]
        case .resume: argv = ["docker", "unpause", container]
        }
        if current == .paused, signal == .kill || signal == .terminate {
            _ = await runner.run(["docker", "unpause", container])
        }
        try await runner.check(argv, timeout: .seconds(30))
    }

    /// Runs `mxgp ctl api --status-line METHOD PATH` in the node: its first line is the HTTP status.
    public func admin(_ plan: LabPlan, node: String, method: String, path: String) async throws -> (status: Int, body: String) {
        let argv = ["mxgp", "ctl", "api", "--status-line", "--socket", plan.layout.adminSocket(node), method, path]
        let result = await exec(plan, node: node, argv, timeout: .seconds(15))
        guard result.succeeded else { throw LabError("\(node): \(method) \(path) failed: \(CommandFailure(argv: argv, result: result))") }
        return try ComposeBackend.parseStatusLine(result.stdout, node: node)
    }
}
