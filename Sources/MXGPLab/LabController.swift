import Foundation
import MXGPTopology

/// Brings labs up and down and reopens labs that are up: the entry point of `mxgp lab`.
public struct LabController: Sendable {
    public var directory: LabDirectory
    /// The `mxgp` executable lab nodes run (netns backend).
    public var binary: String
    public var runner: any CommandRunner
    /// The compose folder (compose backend): `compose/` of the repository, with the `Dockerfile`;
    /// each lab's files go to `<composeRoot>/<lab>/`.
    public var composeRoot: String

    public init(directory: LabDirectory = .standard, binary: String, runner: any CommandRunner = ProcessRunner(), composeRoot: String = "compose") {
        self.directory = directory
        self.binary = binary
        self.runner = runner
        self.composeRoot = URL(fileURLWithPath: composeRoot).standardizedFileURL.path
    }

    /// Where container labs' images come from (compose, swarm).
    public var imageSource: LabImageSource = .default

    /// The backend of `kind` for lab files of `topologyFile` (named in generated headers).
    public func makeBackend(_ kind: LabBackendKind, topologyFile: String = "the topology") -> any LabBackend {
        switch kind {
        case .netns: return NetnsBackend(binary: binary, directory: directory, runner: runner)
        case .compose: return ComposeBackend(root: composeRoot, directory: directory, runner: runner, topologyFile: displayPath(topologyFile))
        case .swarm: return SwarmBackend(root: composeRoot, directory: directory, runner: runner, topologyFile: displayPath(topologyFile))
        }
    }

    /// The image builder of container labs: this executable onto the lab base image, or the source build.
    public var imageBuilder: LabImageBuilder { LabImageBuilder(binary: binary, composeRoot: composeRoot, runner: runner) }

    /// Loads and plans a topology file; errors name the file, the line and the fix.
    /// The node files' layout is the backend's: the lab folder for netns, container paths for the others.
    /// `name` runs the topology under another lab name (several copies of one topology, tests).
    public func plan(topologyFile: String, backend kind: LabBackendKind = .netns, name: String? = nil, block: Int = 0) throws -> LabPlan {
        var topology = try Topology.load(path: topologyFile).topology
        if let name { topology.name = name }
        return try LabPlanner.plan(topology, layout: layout(kind, lab: topology.name), block: block)
    }

    /// Where a backend's nodes see their files.
    func layout(_ kind: LabBackendKind, lab: String) -> LabLayout {
        switch kind {
        case .netns: return .rooted(at: directory.labPath(lab))
        case .compose: return ComposeFiles.layout
        case .swarm: return SwarmFiles.layout
        }
    }

    /// `topologyFile` as generated headers name it: relative to the current folder when inside it.
    func displayPath(_ topologyFile: String) -> String {
        let path = URL(fileURLWithPath: topologyFile).standardizedFileURL.path
        let here = FileManager.default.currentDirectoryPath + "/"
        return path.hasPrefix(here) ? String(path.dropFirst(here.count)) : path
    }

    /// Writes the compose files of `topologyFile` (`<composeRoot>/<lab>/`) without running docker.
    /// Returns the lab's compose folder.
    public func generateCompose(topologyFile: String, name: String? = nil) throws -> String {
        let plan = try plan(topologyFile: topologyFile, backend: .compose, name: name)
        let backend = ComposeBackend(root: composeRoot, directory: directory, runner: runner, topologyFile: displayPath(topologyFile))
        try backend.generate(plan, topologyText: String(contentsOfFile: topologyFile, encoding: .utf8))
        return backend.folder(plan)
    }

    /// Creates the lab of `topologyFile` on `kind` and starts its nodes, then applies the
    /// links' impairments. Anything half-created is removed again when a step fails.
    /// Container labs first build the image when needed (``LabImageBuilder``); `imageBuilt`
    /// hears how long that took, so callers can report it apart from bringing the lab up.
    ///
    /// A container lab holds ``HostLock/addressBlocks`` from choosing its address block until
    /// its networks exist (the image is built before), so labs coming up at once, from any lab
    /// folder, take different blocks.
    public func up(topologyFile: String, backend kind: LabBackendKind = .netns, name: String? = nil,
                   progress: @Sendable (String) -> Void, imageBuilt: @Sendable (LabImageBuilder.Outcome) -> Void = { _ in }) async throws -> Lab {
        let backend = makeBackend(kind, topologyFile: topologyFile)
        switch kind {
        case .netns:
            try await NetnsBackend.checkPrerequisites(runner: runner)
            return try await up(try plan(topologyFile: topologyFile, backend: kind, name: name), backend: backend, topologyFile: topologyFile, progress: progress)
        case .compose, .swarm:
            // No engine: say so before creating anything.
            try await (backend as! any ContainerLabBackend).checkEngine()
            // The plan (without a block) checks the file and the name before the image is built.
            try await refuseIfUp(try plan(topologyFile: topologyFile, backend: kind, name: name))
            imageBuilt(try await imageBuilder.ensure(imageSource, progress: progress))
            return try await HostLock.addressBlocks.withLock {
                let plan = try plan(topologyFile: topologyFile, backend: kind, name: name, block: try await freeAddressBlock())
                return try await up(plan, backend: backend, topologyFile: topologyFile, progress: progress)
            }
        }
    }

    /// Records `plan` as a lab and starts it on `backend`; removes what it created when a step fails.
    func up(_ plan: LabPlan, backend: any LabBackend, topologyFile: String, progress: @Sendable (String) -> Void) async throws -> Lab {
        let kind = backend.kind
        let block = plan.block
        try await refuseIfUp(plan)
        let state = LabState(backend: kind, topologyFile: URL(fileURLWithPath: topologyFile).standardizedFileURL.path,
                             binary: binary, createdAt: ISO8601DateFormatter().string(from: Date()), addressBlock: block,
                             owner: LabOwner.current())
        let lab = Lab(plan: plan, backend: backend, directory: directory, state: state)
        do {
            try directory.create(plan.name)
            try String(contentsOfFile: topologyFile, encoding: .utf8).write(toFile: directory.topologyPath(plan.name), atomically: true, encoding: .utf8)
            try lab.save()
            if kind == .netns {  // container backends write their own folder
                progress("writing node configs and certificates to \(directory.labPath(plan.name))")
                try LabFiles.write(plan, configDirectory: plan.layout.configDirectory, pkiDirectory: plan.layout.pkiDirectory)
            }
            try await backend.up(plan, progress: progress)
            try await LabFaults(lab: lab).applyImpairments(warn: progress)
        } catch {
            progress("bringing \(plan.name) up failed; removing what was created")
            try? await backend.down(plan)
            directory.remove(plan.name)
            throw error
        }
        return lab
    }

    /// Prints the subnets of every docker network.
    static let networkSubnetsCommand = ["sh", "-c", "docker network ls -q | xargs -r docker network inspect --format '{{range .IPAM.Config}}{{.Subnet}} {{end}}'"]

    /// The lowest address block no other container lab in this lab folder uses and no docker
    /// network's subnet falls in (a lab made from committed compose files uses block 0).
    func freeAddressBlock() async throws -> Int {
        var used = Set(directory.labs().compactMap { (try? LabState.read(from: directory.statePath($0)))?.addressBlock })
        let networks = await runner.run(Self.networkSubnetsCommand, timeout: .seconds(30))
        for subnet in networks.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            for block in LabAddressing.blocks where LabAddressing.linkSubnet(0, block: block).split(separator: ".").prefix(2) == subnet.split(separator: ".").prefix(2)
                || LabAddressing.carrierSubnet(0, block: block).split(separator: ".").prefix(2) == subnet.split(separator: ".").prefix(2) {
                used.insert(block)
            }
        }
        guard let free = LabAddressing.blocks.first(where: { !used.contains($0) }) else {
            throw LabError("every lab address block (\(LabAddressing.blocks.count)) is in use by container labs or docker networks; take a lab down first")
        }
        return free
    }

    /// Refuses a lab that is already up (its folder or any of its namespaces exists).
    func refuseIfUp(_ plan: LabPlan) async throws {
        if FileManager.default.fileExists(atPath: directory.statePath(plan.name)) {
            throw LabError("lab \(plan.name) is already up (\(directory.labPath(plan.name))); run `mxgp lab down \(plan.name)` first")
        }
        let existing = plan.nodes.map(\.namespace).filter { FileManager.default.fileExists(atPath: "/run/netns/\($0)") }
        if !existing.isEmpty {
            throw LabError("lab \(plan.name) has leftover namespaces (\(existing.joined(separator: ", "))); run `mxgp lab down \(plan.name)` or `mxgp lab down --all` first")
        }
    }

    /// Reopens a lab that is up, from its folder. A compose lab started with `docker compose`
    /// alone has no lab folder: it is opened from its compose folder (`<composeRoot>/<name>/`).
    public func open(_ name: String) throws -> Lab {
        let statePath = directory.statePath(name)
        let composeTopology = "\(composeRoot)/\(name)/\(ComposeFiles.topologyFile)"
        if !FileManager.default.fileExists(atPath: statePath), FileManager.default.fileExists(atPath: composeTopology) {
            return try openComposeFolder(name, topologyPath: composeTopology)
        }
        guard FileManager.default.fileExists(atPath: statePath) else {
            let up = directory.labs()
            throw LabError("no lab named \(name.debugDescription) is up" + (up.isEmpty ? "; start one with `mxgp lab up Labs/quickstart.yaml`" : "; labs up: \(up.joined(separator: ", "))"))
        }
        let state = try LabState.read(from: statePath)
        var topology = try Topology.load(path: directory.topologyPath(name)).topology
        topology.name = name  // a lab may run a topology under another name
        let plan = try LabPlanner.plan(topology, layout: layout(state.backend, lab: name), block: state.addressBlock ?? 0)
        var backend = makeBackend(state.backend)
        if var containers = backend as? any ContainerLabBackend {
            containers.root = ContainerLabFolder.recordedRoot(lab: name, directory: directory) ?? composeRoot
            backend = containers
        }
        return Lab(plan: plan, backend: backend, directory: directory, state: state)
    }

    /// A compose lab from its compose folder alone (the `verify` service, `docker compose up`).
    func openComposeFolder(_ name: String, topologyPath: String) throws -> Lab {
        let text = try String(contentsOfFile: topologyPath, encoding: .utf8)
        var topology = try Topology.load(path: topologyPath).topology
        topology.name = name
        let plan = try LabPlanner.plan(topology, layout: ComposeFiles.layout, block: ComposeFiles.addressBlock(topologyCopy: text))
        let state = LabState(backend: .compose, topologyFile: topologyPath, binary: "mxgp", createdAt: "", addressBlock: plan.block)
        return Lab(plan: plan, backend: makeBackend(.compose), directory: directory, state: state)
    }

    /// Takes a lab down: stops its nodes, removes its namespaces or containers, then its folder.
    /// A name that is not up but has leftover namespaces has those removed.
    public func down(_ name: String) async throws {
        if FileManager.default.fileExists(atPath: directory.statePath(name)) {
            let lab = try open(name)
            try await lab.backend.down(lab.plan)
            directory.remove(name)
            return
        }
        let netns = NetnsBackend(binary: binary, directory: directory, runner: runner)
        let leftovers = await netns.namespaces(prefix: "mxgp-\(name)-")
        guard !leftovers.isEmpty else {
            throw LabError("no lab named \(name.debugDescription) is up" + (directory.labs().isEmpty ? "" : "; labs up: \(directory.labs().joined(separator: ", "))"))
        }
        try await removeNamespaces(leftovers)
        directory.remove(name)
    }

    /// Removes every lab and every `mxgp-` leftover: namespaces (with their processes), veths
    /// in the host namespace and lab folders.
    public func downAll() async throws -> [String] {
        var removed: [String] = []
        for name in directory.labs() {
            if (try? await down(name)) != nil { removed.append(name) }
        }
        let netns = NetnsBackend(binary: binary, directory: directory, runner: runner)
        let namespaces = await netns.namespaces(prefix: "mxgp-")
        try await removeNamespaces(namespaces)
        removed += namespaces
        for name in await hostLinks(prefix: "mxgp-") {
            _ = await runner.run(["ip", "link", "del", name])
            removed.append(name)
        }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory.root)) ?? [] {
            directory.remove(name)
        }
        return removed
    }

    func removeNamespaces(_ namespaces: [String]) async throws {
        let netns = NetnsBackend(binary: binary, directory: directory, runner: runner)
        await netns.stopProcesses(in: namespaces)
        for namespace in namespaces {
            try await runner.check(["ip", "netns", "del", namespace])
        }
    }
}
