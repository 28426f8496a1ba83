import Foundation

/// The lab as a stack on Docker Swarm (``SwarmFiles``): `up` writes `compose/<lab>/` (stack file,
/// node configs and entrypoints, and for the deploy only the certificates in `pki/`), runs
/// `docker stack deploy`, then removes `pki/`: the keys live on as Swarm secrets until `down`
/// (`docker stack rm`, then the node volumes). Commands run through `docker exec` in the node's
/// task container, which is looked up by its service label.
public struct SwarmBackend: ContainerLabBackend {
    public let kind = LabBackendKind.swarm
    /// The compose folder (`<repository>/compose`); each lab gets a folder in it.
    public var root: String
    public var directory: LabDirectory
    public var runner: any CommandRunner
    /// The topology file as the stack file's header names it.
    public var topologyFile: String

    public init(root: String, directory: LabDirectory, runner: any CommandRunner = ProcessRunner(), topologyFile: String = "the topology") {
        self.root = URL(fileURLWithPath: root).standardizedFileURL.path
        self.directory = directory
        self.runner = runner
        self.topologyFile = topologyFile
    }

    /// The lab's stack file.
    public func stackFile(_ plan: LabPlan) -> String { "\(folder(plan))/\(SwarmFiles.stackFile)" }

    /// Docker answers and is a swarm manager; else what to do.
    public func checkEngine() async throws {
        try await checkDocker()
        let swarm = await runner.run(["docker", "info", "--format", "{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}"], timeout: .seconds(20))
        guard swarm.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "active true" else {
            throw LabError("this docker engine is not a swarm manager (swarm: \(swarm.stdout.trimmingCharacters(in: .whitespacesAndNewlines))); run `docker swarm init` to make a one-host swarm, or run mxgp on a manager; nothing was created")
        }
    }

    /// The newest task container of the node's service (running or paused first).
    public func container(_ plan: LabPlan, node: String) async -> String? {
        let result = await runner.run(["docker", "ps", "-a", "--filter", "label=com.docker.swarm.service.name=\(SwarmFiles.service(plan, node))",
                                       "--format", "{{.ID}} {{.State}}"], timeout: .seconds(15))
        let rows = result.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }.filter { $0.count == 2 }
        return (rows.first { $0[1] == "running" || $0[1] == "paused" } ?? rows.first)?[0]
    }

    public func up(_ plan: LabPlan, progress: @Sendable (String) -> Void) async throws {
        try await checkEngine()
        let folder = folder(plan)
        let fm = FileManager.default
        try ComposeBackend.writeNodeFiles(plan, into: folder, swarm: true)
        try ContainerLabFolder.record(root, lab: plan.name, directory: directory)
        progress("writing \(folder): \(SwarmFiles.stackFile), node configs and entrypoints, certificates for the deploy")
        try SwarmFiles.stackYAML(plan, topologyFile: topologyFile).write(toFile: stackFile(plan), atomically: true, encoding: .utf8)
        let pki = "\(folder)/pki"
        defer { try? fm.removeItem(atPath: pki) }  // the secrets hold them now
        try LabFiles.writePKI(plan, pkiDirectory: pki, registryKeyDirectory: "\(pki)/private")
        progress("deploying the stack \(SwarmFiles.stack(plan.name)): \(plan.nodes.count) services, \(plan.links.count) overlay networks")
        try await runner.check(["docker", "stack", "deploy", "--resolve-image", "never", "-c", stackFile(plan), SwarmFiles.stack(plan.name)],
                               timeout: .seconds(600))
        for node in plan.nodes {
            try await waitForContainer(plan, node: node.name, timeout: .seconds(120))
            try await waitUntilReady(plan, node: node.name)
        }
    }

    /// Waits until the node's task container runs.
    func waitForContainer(_ plan: LabPlan, node: String, timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if await state(plan, node: node) == .running { return }
            try await Task.sleep(for: .milliseconds(300))
        }
        let tasks = await runner.run(["docker", "service", "ps", "--no-trunc", "--format", "{{.CurrentState}} {{.Error}}", SwarmFiles.service(plan, node)])
        throw LabError("node \(node) of lab \(plan.name) did not start in the swarm: \(tasks.stdout.split(separator: "\n").first ?? "no task"); see `docker service ps \(SwarmFiles.service(plan, node))`")
    }

    /// `docker stack rm`, then waits for the tasks and networks to go and removes the node volumes.
    public func down(_ plan: LabPlan) async throws {
        let stack = SwarmFiles.stack(plan.name)
        _ = await runner.run(["docker", "stack", "rm", stack], timeout: .seconds(120))
        let label = "label=com.docker.stack.namespace=\(stack)"
        let deadline = ContinuousClock.now + .seconds(300)  // 50 services take minutes to go
        var left = ""
        while ContinuousClock.now < deadline {
            let containers = await runner.run(["docker", "ps", "-aq", "--filter", label], timeout: .seconds(15)).stdout
            let networks = await runner.run(["docker", "network", "ls", "-q", "--filter", label], timeout: .seconds(15)).stdout
            left = (containers + networks).trimmingCharacters(in: .whitespacesAndNewlines)
            if left.isEmpty { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        if !left.isEmpty {  // swarm removes asynchronously and sometimes leaves some behind: remove them by name
            for id in await runner.run(["docker", "ps", "-aq", "--filter", label], timeout: .seconds(15)).stdout.split(separator: "\n") {
                _ = await runner.run(["docker", "rm", "-f", String(id)], timeout: .seconds(30))
            }
            for id in await runner.run(["docker", "network", "ls", "-q", "--filter", label], timeout: .seconds(15)).stdout.split(separator: "\n") {
                _ = await runner.run(["docker", "network", "rm", String(id)], timeout: .seconds(30))
            }
            let containers = await runner.run(["docker", "ps", "-aq", "--filter", label], timeout: .seconds(15)).stdout
            let networks = await runner.run(["docker", "network", "ls", "-q", "--filter", label], timeout: .seconds(15)).stdout
            left = (containers + networks).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        for node in plan.nodes {
            _ = await runner.run(["docker", "volume", "rm", "-f", "\(stack)_\(node.name)-state"], timeout: .seconds(30))
        }
        try? FileManager.default.removeItem(atPath: "\(folder(plan))/pki")
        if !left.isEmpty { throw LabError("stack \(stack) is removed, but docker still lists its containers or networks after 300 s and removing them by name: \(left.split(separator: "\n").joined(separator: ", "))") }
    }

    public func signal(_ plan: LabPlan, node: String, _ signal: NodeSignal) async throws {
        try await signalContainer(plan, node: node, signal)
    }

    /// A killed node's task does not restart by itself (`restart_policy: none`): a forced
    /// service update starts a new task (its store is the node's volume, so its queue survives).
    public func start(_ plan: LabPlan, node: String) async throws {
        guard plan.node(node) != nil else { throw LabError("no node \(node) in lab \(plan.name)") }
        if await state(plan, node: node) != .stopped { throw LabError("node \(node) is already running (service \(SwarmFiles.service(plan, node)))") }
        try await runner.check(["docker", "service", "update", "--force", "--detach", SwarmFiles.service(plan, node)], timeout: .seconds(60))
        try await waitForContainer(plan, node: node, timeout: .seconds(60))
        try await waitUntilReady(plan, node: node)
    }
}
