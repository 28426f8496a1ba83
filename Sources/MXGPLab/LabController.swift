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

    /// The backend named `kind`.
    public func backend(_ kind: String) throws(LabError) -> any LabBackend {
        switch kind {
        case "netns": return NetnsBackend(binary: binary, directory: directory, runner: runner)
        case "compose": return ComposeBackend(root: composeRoot, directory: directory, runner: runner)
        default: throw LabError("unknown backend \(kind.debugDescription); use netns or compose")
        }
    }

    /// Loads and plans a topology file; errors name the file, the line and the fix.
    /// The node files' layout is the backend's: the lab folder for netns, container paths for compose.
    /// `name` runs the topology under another lab name (several copies of one topology, tests).
    public func plan(topologyFile: String, backend backendKind: String = "netns", name: String? = nil) throws -> LabPlan {
        var topology = try Topology.load(path: topologyFile).topology
        if let name { topology.name = name }
        return try LabPlanner.plan(topology, layout: layout(backendKind, lab: topology.name))
    }

    // MARK: compose backend (begin)

    /// Where a backend's nodes see their files.
    func layout(_ backendKind: String, lab: String) -> LabLayout {
        backendKind == "compose" ? ComposeFiles.layout : .rooted(at: directory.labPath(lab))
    }

    /// The compose backend for `topologyFile`, naming it in the generated header as given
    /// (relative to the current folder when it is inside it).
    func composeBackend(topologyFile: String) -> ComposeBackend {
        let path = URL(fileURLWithPath: topologyFile).standardizedFileURL.path
        let here = FileManager.default.currentDirectoryPath + "/"
        return ComposeBackend(root: composeRoot, directory: directory, runner: runner,
                              topologyFile: path.hasPrefix(here) ? String(path.dropFirst(here.count)) : path)
    }

    /// Writes the compose files of `topologyFile` (`<composeRoot>/<lab>/`) without running docker.
    /// Returns the lab's compose folder.
    public func generateCompose(topologyFile: String) throws -> String {
        let plan = try plan(topologyFile: topologyFile, backend: "compose")
        let backend = composeBackend(topologyFile: topologyFile)
        try backend.generate(plan)
        return backend.folder(plan)
    }

    // MARK: compose backend (end)

    /// Creates the lab of `topologyFile` on `backendKind` and starts its nodes, then applies the
    /// links' impairments. Anything half-created is removed again when a step fails.
    public func up(topologyFile: String, backend backendKind: String = "netns", name: String? = nil, progress: @Sendable (String) -> Void) async throws -> Lab {
        var backend = try backend(backendKind)
        if backendKind == "netns" { try await NetnsBackend.checkPrerequisites(runner: runner) }
        if backendKind == "compose" {
            let compose = composeBackend(topologyFile: topologyFile)
            _ = try await compose.composeCommand()  // no engine: say so before creating anything
            backend = compose
        }
        let plan = try plan(topologyFile: topologyFile, backend: backendKind, name: name)
        try await refuseIfUp(plan)
        let state = LabState(backend: backendKind, topologyFile: URL(fileURLWithPath: topologyFile).standardizedFileURL.path,
                             binary: binary, createdAt: ISO8601DateFormatter().string(from: Date()))
        let lab = Lab(plan: plan, backend: backend, directory: directory, state: state)
        do {
            try directory.create(plan.name)
            try String(contentsOfFile: topologyFile, encoding: .utf8).write(toFile: directory.topologyPath(plan.name), atomically: true, encoding: .utf8)
            try lab.save()
            if backendKind == "netns" {  // compose: the backend writes its own folder
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

    /// Reopens a lab that is up, from its folder.
    public func open(_ name: String) throws -> Lab {
        let statePath = directory.statePath(name)
        guard FileManager.default.fileExists(atPath: statePath) else {
            let up = directory.labs()
            throw LabError("no lab named \(name.debugDescription) is up" + (up.isEmpty ? "; start one with `mxgp lab up Labs/quickstart.yaml`" : "; labs up: \(up.joined(separator: ", "))"))
        }
        let state = try LabState.read(from: statePath)
        var topology = try Topology.load(path: directory.topologyPath(name)).topology
        topology.name = name  // a lab may run a topology under another name
        let plan = try LabPlanner.plan(topology, layout: layout(state.backend, lab: name))
        let backend: any LabBackend = state.backend == "compose"
            ? ComposeBackend.reopened(lab: name, directory: directory, root: composeRoot, runner: runner)
            : try backend(state.backend)
        return Lab(plan: plan, backend: backend, directory: directory, state: state)
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
        let links = await runner.run(["ip", "-o", "link", "show"], timeout: .seconds(10)).stdout
        for line in links.split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2)
            guard fields.count > 1 else { continue }
            let name = fields[1].trimmingCharacters(in: .whitespaces).split(separator: "@").first.map(String.init) ?? ""
            if name.hasPrefix("mxgp-") {
                _ = await runner.run(["ip", "link", "del", name])
                removed.append(name)
            }
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
