import Foundation

/// The docker runtime: each node a container of the `mxgp:latest` image, each link an
/// `internal` network with the link's /29, driven with `docker compose` (or Debian's
/// `docker-compose` v1 where the plugin is missing).
///
/// `up` writes `<root>/<lab>/` — `docker-compose.yml`, `topology.yaml`, `nodes/<node>.yaml`
/// and `nodes/<node>.sh` (``ComposeFiles``) — and starts the containers from the image
/// ``LabController`` made sure of (``LabImageBuilder``). The compose file's `pki` service makes
/// the lab CA and node certificates into a volume first, so no private key is written on the
/// host and `down` (which removes the volume) leaves none behind. Commands and faults run
/// through `docker exec`, process faults through `docker kill`, `pause`, `unpause`, `stop` and
/// `start`, admin requests through `mxgp ctl api` inside the node (``ContainerLabBackend``).
/// The plan must use ``ComposeFiles/layout``.
public struct ComposeBackend: ContainerLabBackend {
    public let kind = LabBackendKind.compose
    /// The compose folder (`<repository>/compose`); each lab gets a folder in it.
    public var root: String
    /// Where `lab.json` lives; `up` records ``root`` there (`compose-dir`) for later commands.
    public var directory: LabDirectory
    public var runner: any CommandRunner
    /// The topology file as the compose file's header names it.
    public var topologyFile: String

    public init(root: String, directory: LabDirectory, runner: any CommandRunner = ProcessRunner(), topologyFile: String = "the topology") {
        self.root = URL(fileURLWithPath: root).standardizedFileURL.path
        self.directory = directory
        self.runner = runner
        self.topologyFile = topologyFile
    }

    /// The lab's compose file.
    public func composeFile(_ plan: LabPlan) -> String { "\(folder(plan))/docker-compose.yml" }

    public func container(_ plan: LabPlan, node: String) async -> String? { ComposeFiles.container(plan, node) }

    public func checkEngine() async throws { _ = try await composeCommand() }

    // MARK: - Files

    /// Writes the lab's files without touching docker: the compose file, the topology (which
    /// the `pki` service makes the certificates from), each node's config and entrypoint.
    public func generate(_ plan: LabPlan, topologyText: String) throws {
        guard plan.layout == ComposeFiles.layout else {
            throw LabError("the plan of \(plan.name) was made for another backend's file layout; plan it with ComposeFiles.layout")
        }
        let folder = folder(plan)
        try Self.writeNodeFiles(plan, into: folder)
        try ComposeFiles.composeYAML(plan, topologyFile: topologyFile).write(toFile: composeFile(plan), atomically: true, encoding: .utf8)
        try ComposeFiles.topologyCopy(plan, text: topologyText).write(toFile: "\(folder)/\(ComposeFiles.topologyFile)", atomically: true, encoding: .utf8)
    }

    /// Writes what every node container mounts into `folder` (the lab's compose folder): its
    /// config, its entrypoint and, for a Postfix node, its Postfix files.
    static func writeNodeFiles(_ plan: LabPlan, into folder: String, swarm: Bool = false) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: "\(folder)/nodes", withIntermediateDirectories: true)
        for node in plan.nodes {
            try ComposeFiles.entrypoint(plan, node: node, swarm: swarm).write(toFile: "\(folder)/\(ComposeFiles.entrypointFile(node.name))", atomically: true, encoding: .utf8)
            try node.config.yamlText.write(toFile: "\(folder)/\(ComposeFiles.configFile(node.name))", atomically: true, encoding: .utf8)
            guard plan.runsPostfix(node.name) else { continue }
            let postfix = "\(folder)/\(ComposeFiles.postfixFolder(node.name))"
            try fm.createDirectory(atPath: postfix, withIntermediateDirectories: true)
            for (file, text) in PostfixConfig.render(plan, node: node.name).files {
                try text.write(toFile: "\(postfix)/\(file)", atomically: true, encoding: .utf8)
            }
        }
    }

    // MARK: - Docker

    /// Finds the compose command (`docker compose`, else `docker-compose`) after checking that a
    /// docker engine answers; the errors say what is missing and point at the netns backend.
    public func composeCommand() async throws -> [String] {
        try await checkDocker()
        if await runner.run(["docker", "compose", "version"], timeout: .seconds(20)).succeeded { return ["docker", "compose"] }
        if await runner.run(["docker-compose", "version"], timeout: .seconds(20)).succeeded { return ["docker-compose"] }
        throw LabError("neither `docker compose` (the compose plugin) nor `docker-compose` is installed; install one (Debian: apt-get install -y docker-compose-plugin or docker-compose), or use --backend netns (needs root)")
    }

    /// `COMPOSE -p mxgp-<lab> -f <file> ARGS…`.
    func compose(_ command: [String], _ plan: LabPlan, _ arguments: [String]) -> [String] {
        command + ["-p", ComposeFiles.project(plan.name), "-f", composeFile(plan)] + arguments
    }

    public func up(_ plan: LabPlan, progress: @Sendable (String) -> Void) async throws {
        let command = try await composeCommand()
        let folder = folder(plan)
        let existed = FileManager.default.fileExists(atPath: folder)
        do {
            progress("writing \(folder): docker-compose.yml, topology.yaml, node configs and entrypoints")
            try generate(plan, topologyText: String(contentsOfFile: directory.topologyPath(plan.name), encoding: .utf8))
            try ContainerLabFolder.record(root, lab: plan.name, directory: directory)
            progress("starting \(plan.nodes.count) containers and \(plan.links.count) networks (the pki service makes the certificates first)")
            try await runner.check(compose(command, plan, ["up", "-d", "--no-build"]), timeout: .seconds(600))
            for node in plan.nodes { try await waitUntilReady(plan, node: node.name) }
        } catch {
            _ = await runner.run(compose(command, plan, ["down", "--volumes", "--remove-orphans", "--timeout", "5"]), timeout: .seconds(300))
            if !existed { try? FileManager.default.removeItem(atPath: folder) }
            throw error
        }
    }

    /// Removes the containers, networks and the certificate volume (`compose down --volumes`, or
    /// by name when the compose file is gone); the generated files stay (they are the lab's
    /// readable description, and may be committed).
    public func down(_ plan: LabPlan) async throws {
        let command = try await composeCommand()
        if FileManager.default.fileExists(atPath: composeFile(plan)) {
            try await runner.check(compose(command, plan, ["down", "--volumes", "--remove-orphans", "--timeout", "10"]), timeout: .seconds(300))
        } else {
            for node in plan.nodes { _ = await runner.run(["docker", "rm", "-f", ComposeFiles.container(plan, node.name)]) }
            _ = await runner.run(["docker", "rm", "-f", ComposeFiles.pkiContainer(plan)])
            for link in plan.links { _ = await runner.run(["docker", "network", "rm", "\(ComposeFiles.project(plan.name))_\(ComposeFiles.network(link))"]) }
            _ = await runner.run(["docker", "volume", "rm", "\(ComposeFiles.project(plan.name))_\(ComposeFiles.pkiVolume)"])
        }
    }

    public func signal(_ plan: LabPlan, node: String, _ signal: NodeSignal) async throws {
        try await signalContainer(plan, node: node, signal)
    }

    public func start(_ plan: LabPlan, node: String) async throws {
        guard plan.node(node) != nil else { throw LabError("no node \(node) in lab \(plan.name)") }
        let container = ComposeFiles.container(plan, node)
        if await state(plan, node: node) != .stopped { throw LabError("node \(node) is already running (container \(container))") }
        try await runner.check(["docker", "start", container], timeout: .seconds(60))
        try await waitUntilReady(plan, node: node)
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
