import Foundation

/// The docker runtime: each node a container of the `mxgp:latest` image, each link an
/// `internal` network with the link's /29, driven with `docker compose` (or Debian's
/// `docker-compose` v1 where the plugin is missing).
///
/// `up` writes `<root>/<lab>/` — `docker-compose.yml`, `nodes/<node>.yaml`,
/// `nodes/<node>.sh` (``ComposeFiles``) and `pki/` (private keys, with its own `.gitignore`) —
/// then builds the image from `<root>/Dockerfile` with the repository as context, and starts
/// the containers. Commands and faults run through `docker exec`, process faults through
/// `docker kill`, `pause`, `unpause`, `stop` and `start`, admin requests through
/// `mxgp ctl api` inside the node. The plan must use ``ComposeFiles/layout``.
public struct ComposeBackend: LabBackend {
    public let kind = "compose"
    /// The compose folder (`<repository>/compose`, holding the `Dockerfile`); each lab gets a folder in it.
    public var root: String
    /// Where `lab.json` lives; `up` records ``root`` there (`compose-dir`) for later commands.
    public var directory: LabDirectory
    public var runner: any CommandRunner
    /// The topology file as the compose file's header names it.
    public var topologyFile: String

    /// The name of the file in the lab folder that records the compose folder.
    static let recordName = "compose-dir"

    public init(root: String, directory: LabDirectory, runner: any CommandRunner = ProcessRunner(), topologyFile: String = "the topology") {
        self.root = URL(fileURLWithPath: root).standardizedFileURL.path
        self.directory = directory
        self.runner = runner
        self.topologyFile = topologyFile
    }

    /// The backend of a lab that is up, with the compose folder its `up` recorded (else `root`).
    public static func reopened(lab: String, directory: LabDirectory, root: String, runner: any CommandRunner) -> ComposeBackend {
        let recorded = try? String(contentsOfFile: "\(directory.labPath(lab))/\(recordName)", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return ComposeBackend(root: recorded.flatMap { $0.isEmpty ? nil : $0 } ?? root, directory: directory, runner: runner)
    }

    /// The lab's folder: `<root>/<lab>`.
    public func folder(_ plan: LabPlan) -> String { "\(root)/\(plan.name)" }
    /// The lab's compose file.
    public func composeFile(_ plan: LabPlan) -> String { "\(folder(plan))/docker-compose.yml" }

    public func nodeBinary(_ state: LabState) -> String { "mxgp" }

    // MARK: - Files

    /// Writes the lab's files without touching docker: the compose file, each node's config
    /// and entrypoint, and the certificates (`pki/`, kept out of git by `pki/.gitignore`).
    public func generate(_ plan: LabPlan) throws {
        guard plan.layout == ComposeFiles.layout else {
            throw LabError("the plan of \(plan.name) was made for another backend's file layout; plan it with ComposeFiles.layout")
        }
        let folder = folder(plan)
        try FileManager.default.createDirectory(atPath: "\(folder)/nodes", withIntermediateDirectories: true)
        try ComposeFiles.composeYAML(plan, topologyFile: topologyFile).write(toFile: composeFile(plan), atomically: true, encoding: .utf8)
        for node in plan.nodes {
            try ComposeFiles.entrypoint(plan, node: node).write(toFile: "\(folder)/\(ComposeFiles.entrypointFile(node.name))", atomically: true, encoding: .utf8)
        }
        try LabFiles.write(plan, configDirectory: "\(folder)/nodes", pkiDirectory: "\(folder)/pki")
        try "# private keys of lab \(plan.name): never commit them\n*\n".write(toFile: "\(folder)/pki/.gitignore", atomically: true, encoding: .utf8)
    }

    // MARK: - Docker

    /// Finds the compose command (`docker compose`, else `docker-compose`) after checking that a
    /// docker engine answers; the errors say what is missing and point at the netns backend.
    public func composeCommand() async throws -> [String] {
        let docker = await runner.run(["sh", "-c", "command -v docker"], timeout: .seconds(5))
        guard docker.succeeded else {
            throw LabError("docker is not installed, so the compose backend cannot run here; install Docker Engine with the compose plugin (https://docs.docker.com/engine/install/), or use --backend netns (needs root)")
        }
        let info = await runner.run(["docker", "info", "--format", "{{.ServerVersion}}"], timeout: .seconds(20))
        guard info.succeeded, !info.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            let said = info.message.split(separator: "\n").first.map(String.init) ?? ""
            throw LabError("no docker engine answers (`docker info`\(said.isEmpty ? "" : ": \(said)")); start the docker daemon (systemctl start docker) or point DOCKER_HOST at one, or use --backend netns (needs root); nothing was created. `mxgp lab up … --backend compose --generate-only` writes the compose files without an engine")
        }
        if await runner.run(["docker", "compose", "version"], timeout: .seconds(20)).succeeded { return ["docker", "compose"] }
        if await runner.run(["docker-compose", "version"], timeout: .seconds(20)).succeeded { return ["docker-compose"] }
        throw LabError("neither `docker compose` (the compose plugin) nor `docker-compose` is installed; install one (Debian: apt-get install -y docker-compose-plugin or docker-compose), or use --backend netns (needs root)")
    }

    /// `COMPOSE -p mxgp-<lab> -f <file> ARGS…`.
    func compose(_ command: [String], _ plan: LabPlan, _ arguments: [String]) -> [String] {
        command + ["-p", ComposeFiles.project(plan.name), "-f", composeFile(plan)] + arguments
    }

    public func up(_ plan: LabPlan, progress: @Sendable (String) -> Void) async throws {
        guard FileManager.default.fileExists(atPath: "\(root)/Dockerfile") else {
            throw LabError("\(root)/Dockerfile does not exist: the compose backend builds the mxgp image from the repository; run `mxgp lab up` from the repository's top folder or pass --compose-dir REPOSITORY/compose")
        }
        let command = try await composeCommand()
        let folder = folder(plan)
        let existed = FileManager.default.fileExists(atPath: folder)
        do {
            progress("writing \(folder): docker-compose.yml, node configs, entrypoints and certificates")
            try generate(plan)
            try "\(root)\n".write(toFile: "\(directory.labPath(plan.name))/\(Self.recordName)", atomically: true, encoding: .utf8)
            progress("building the image \(ComposeFiles.image) (\(command.joined(separator: " ")) build; the first build takes minutes)")
            try await runner.check(compose(command, plan, ["build"]), timeout: .seconds(3600))
            progress("starting \(plan.nodes.count) containers and \(plan.links.count) networks")
            try await runner.check(compose(command, plan, ["up", "-d", "--no-build"]), timeout: .seconds(600))
        } catch {
            _ = await runner.run(compose(command, plan, ["down", "--volumes", "--remove-orphans", "--timeout", "5"]), timeout: .seconds(300))
            try? FileManager.default.removeItem(atPath: "\(folder)/pki")
            if !existed { try? FileManager.default.removeItem(atPath: folder) }
            throw error
        }
    }

    /// Removes the containers and networks (`compose down`, or by name when the compose file is
    /// gone) and the lab's certificates; the generated files stay (they are the lab's readable
    /// description, and may be committed).
    public func down(_ plan: LabPlan) async throws {
        let command = try await composeCommand()
        if FileManager.default.fileExists(atPath: composeFile(plan)) {
            try await runner.check(compose(command, plan, ["down", "--volumes", "--remove-orphans", "--timeout", "10"]), timeout: .seconds(300))
        } else {
            for node in plan.nodes { _ = await runner.run(["docker", "rm", "-f", ComposeFiles.container(plan, node.name)]) }
            for link in plan.links { _ = await runner.run(["docker", "network", "rm", "\(ComposeFiles.project(plan.name))_\(ComposeFiles.network(link))"]) }
        }
        try? FileManager.default.removeItem(atPath: "\(folder(plan))/pki")
    }

    public func exec(_ plan: LabPlan, node: String, _ argv: [String], timeout: Duration) async -> CommandResult {
        guard plan.node(node) != nil else { return CommandResult(status: -1, stderr: "no node \(node) in lab \(plan.name)") }
        return await runner.run(["docker", "exec", ComposeFiles.container(plan, node)] + argv, timeout: timeout)
    }

    public func signal(_ plan: LabPlan, node: String, _ signal: NodeSignal) async throws {
        guard plan.node(node) != nil else { throw LabError("no node \(node) in lab \(plan.name)") }
        let container = ComposeFiles.container(plan, node)
        let current = await state(plan, node: node)
        guard current != .stopped else { throw LabError("node \(node) of lab \(plan.name) is not running (container \(container))") }
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

    public func start(_ plan: LabPlan, node: String) async throws {
        guard plan.node(node) != nil else { throw LabError("no node \(node) in lab \(plan.name)") }
        let container = ComposeFiles.container(plan, node)
        if await state(plan, node: node) != .stopped { throw LabError("node \(node) is already running (container \(container))") }
        try await runner.check(["docker", "start", container], timeout: .seconds(60))
    }

    public func state(_ plan: LabPlan, node: String) async -> NodeProcessState {
        let result = await runner.run(["docker", "inspect", "--format", "{{.State.Status}}", ComposeFiles.container(plan, node)], timeout: .seconds(15))
        switch result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) {
        case "running": return .running
        case "paused": return .paused
        default: return .stopped
        }
    }

    /// Runs `mxgp ctl api --status-line METHOD PATH` in the node: its first line is the HTTP status.
    public func admin(_ plan: LabPlan, node: String, method: String, path: String) async throws -> (status: Int, body: String) {
        let argv = ["mxgp", "ctl", "api", "--status-line", "--socket", plan.layout.adminSocket(node), method, path]
        let result = await exec(plan, node: node, argv, timeout: .seconds(15))
        guard result.succeeded else { throw LabError("\(node): \(method) \(path) failed: \(CommandFailure(argv: argv, result: result))") }
        return try Self.parseStatusLine(result.stdout, node: node)
    }

    /// Splits `mxgp ctl api --status-line` output into the status and the body.
    static func parseStatusLine(_ output: String, node: String) throws(LabError) -> (status: Int, body: String) {
        let parts = output.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = parts.first, let status = Int(first.trimmingCharacters(in: .whitespaces)) else {
            throw LabError("\(node): `mxgp ctl api` printed no status line (got \(output.prefix(80).debugDescription)); is the image older than this mxgp? rebuild it with `docker compose build`")
        }
        return (status, parts.count > 1 ? String(parts[1]) : "")
    }
}
