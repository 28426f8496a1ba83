import Foundation
import MXGPTopology

/// One `mxgp lab run`: loads the scenario, uses its lab if it is up or brings it up, runs the
/// steps, writes the run folder, and takes the lab down again unless told to keep it.
public struct ScenarioRun: Sendable {
    public var controller: LabController
    public var scenarioPath: String
    /// Overrides the scenario's `seed:`.
    public var seed: UInt64?
    /// Leave the lab up afterwards.
    public var keep: Bool
    /// Where run folders go (`runs/` by default): `<runs>/<scenario>/<timestamp>/`.
    public var runsDirectory: String
    /// Runs the topology under this lab name instead of its own.
    public var labName: String?
    /// Runs the scenario on this topology file instead of its own `topology:` (`--compare`).
    public var topologyOverride: String?
    /// The runtime a lab brought up for the run uses (a lab that is up keeps its own), or the simulator.
    public var backend: ScenarioBackend
    /// Slower, with questions, stopping before the final heal (which keeps the lab up).
    /// In the simulator `pause:` steps are always skipped.
    public var pacing = ScenarioPacing()

    public init(controller: LabController, scenarioPath: String, seed: UInt64? = nil, keep: Bool = false, runsDirectory: String = "runs", labName: String? = nil,
                backend: ScenarioBackend = .lab(.netns)) {
        self.backend = backend
        self.controller = controller
        self.scenarioPath = scenarioPath
        self.seed = seed
        self.keep = keep
        self.runsDirectory = runsDirectory
        self.labName = labName
    }

    /// Runs it; returns the report and the run folder.
    public func execute(progress: @escaping @Sendable (String) -> Void, step: @escaping @Sendable (StepResult) -> Void) async throws -> (ScenarioReport, String) {
        var (scenario, topology) = try ScenarioParser.load(path: scenarioPath)
        if let seed { scenario.seed = seed }
        if let topologyOverride {
            topology = try Topology.load(path: topologyOverride).topology
            scenario.topologyPath = topologyOverride
        }
        let name = labName ?? topology.name
        guard case .lab(let backend) = backend else {
            if topology.nodes.contains(where: { $0.mta == .postfix }) {
                throw LabError("\(scenario.topologyPath) has Postfix nodes (mta: postfix), which the simulator does not model; run it on a lab (--backend netns, compose or swarm)")
            }
            progress("running \(scenario.name) in the simulator (virtual time, seed \(scenario.seed))")
            let target = SimScenarioTarget(topology: topology, seed: scenario.seed, name: name)
            var runner = ScenarioRunner(target: target, scenario: scenario, progress: step)
            runner.pacing = pacing
            runner.pacing.ask = nil
            runner.pacing.whyNotPaused = "the simulator does not pause"
            let report = await runner.run()
            let log = await target.withSimulation { $0.eventLog }
            let folder = try writeRunFolder(report, topology: topology, topologyPath: scenario.topologyPath, stamp: Self.wallClockStamp() + "-sim")
            try (log.joined(separator: "\n") + "\n").write(toFile: folder + "/logs/sim.log", atomically: true, encoding: .utf8)
            _ = await controller.runner.run(["dot", "-Tsvg", folder + "/topology.dot", "-o", folder + "/topology.svg"], timeout: .seconds(30))
            return (report, folder)
        }
        let reused = FileManager.default.fileExists(atPath: controller.directory.statePath(name))
        let lab: Lab
        if reused {
            progress("using lab \(name), which is up")
            lab = try controller.open(name)
        } else {
            progress("bringing lab \(name) up from \(scenario.topologyPath) (\(backend) backend)")
            lab = try await controller.up(topologyFile: scenario.topologyPath, backend: backend, name: name, progress: progress)
        }
        let report: ScenarioReport
        do {
            try await lab.waitForConvergence(timeout: .seconds(60), progress: progress)
            var runner = ScenarioRunner(lab: lab, scenario: scenario, progress: step)
            runner.pacing = pacing
            var ran = await runner.run()
            var queued = 0
            for node in lab.plan.nodes { queued += (try? await lab.queueDepth(node.name)) ?? 0 }
            ran.queuedAtEnd = queued
            report = ran
        } catch {
            if !reused && !keeps { try? await controller.down(name) }
            throw error
        }
        let folder = try writeRunFolder(report, topology: lab.plan.topology, topologyPath: scenario.topologyPath, stamp: report.startedAt)
        for node in lab.plan.nodes {
            let log = lab.directory.logPath(lab.name, node.name)
            if FileManager.default.fileExists(atPath: log) { try? FileManager.default.copyItem(atPath: log, toPath: "\(folder)/logs/\(node.name).log") }
            if lab.plan.runsPostfix(node.name), let maillog = await lab.postfixLog(node.name) {  // what each message did
                try? maillog.write(toFile: "\(folder)/logs/\(node.name).maillog", atomically: true, encoding: .utf8)
            }
        }
        if let containers = lab.backend as? any ContainerLabBackend {  // their logs are docker's
            for node in lab.plan.nodes {
                guard let container = await containers.container(lab.plan, node: node.name) else { continue }
                let log = await controller.runner.run(["docker", "logs", container], timeout: .seconds(30))
                try? (log.stdout + log.stderr).write(toFile: "\(folder)/logs/\(node.name).log", atomically: true, encoding: .utf8)
            }
        }
        // The picture, with Graphviz only.
        _ = await controller.runner.run(["dot", "-Tsvg", folder + "/topology.dot", "-o", folder + "/topology.svg"], timeout: .seconds(30))
        if !reused && !keeps {
            try await controller.down(name)
        } else {
            progress("lab \(name) stays up (mxgp lab down \(name) removes it)")
        }
        return (report, folder)
    }

    /// Whether the lab stays up afterwards: `--keep`, or stopping before the final heal.
    var keeps: Bool { keep || pacing.stopBeforeFinalHeal }

    /// Writes the run folder (``RunFolder``) under the run's folder for run folders.
    func writeRunFolder(_ report: ScenarioReport, topology: Topology, topologyPath: String, stamp: String) throws -> String {
        try RunFolder.write(report, topology: topology, topologyPath: topologyPath, scenarioPath: scenarioPath,
                            backend: backend.description, runsDirectory: runsDirectory, stamp: stamp)
    }

    /// Now, for folder names.
    static func wallClockStamp() -> String { ISO8601DateFormatter().string(from: Date()) }
}

/// `schedule.json`: what `mxgp sim --replay` reads.
public struct RunSchedule: Sendable, Codable, Hashable {
    /// The scenario file, as given to `mxgp lab run`.
    public var scenario: String
    public var seed: UInt64
    public var lab: String
    /// netns, compose, swarm or sim (absent in folders from before replay existed).
    public var backend: String?
    /// Faults, heals, sends and complaints with their times.
    public var schedule: [ScheduleEntry]
    /// How long the run took, in seconds (absent in older folders).
    public var seconds: Double?
}

extension FileManager {
    func contentsOfFile(_ path: String) throws -> Data {
        guard let data = contents(atPath: path) else { throw LabError("cannot read \(path)") }
        return data
    }
}

extension ScenarioRun {
    /// Runs the scenario on each topology in turn (`mxgp lab run SCENARIO --compare A.yaml B.yaml`)
    /// and writes one folder, `<runs>/<scenario>/<timestamp>-compare/`: `compare.txt` and
    /// `compare.json` (the side-by-side figures), `topology.svg` (the picture, with the run's
    /// faults) and one run folder per side under `side-1/`, `side-2/`…
    ///
    /// Paths are judged against the Postfix tables of the first topology with Postfix nodes
    /// (or the first topology): "paths static forwarding cannot take".
    public func compare(_ topologies: [String], progress: @escaping @Sendable (String) -> Void,
                        step: @escaping @Sendable (StepResult) -> Void) async throws -> ScenarioComparison {
        guard topologies.count >= 2 else { throw LabError("--compare takes two or more topology files") }
        guard case .lab = backend else { throw LabError("--compare runs on a lab backend (netns, compose or swarm): the simulator does not model Postfix nodes") }
        let (scenario, _) = try ScenarioParser.load(path: scenarioPath)
        var loaded: [Topology] = []
        for path in topologies { loaded.append(try Topology.load(path: path).topology) }
        let reference = loaded.first { $0.nodes.contains { $0.mta == .postfix } } ?? loaded[0]
        let folder = "\(runsDirectory)/\(scenario.name)/\(Self.wallClockStamp().replacingOccurrences(of: ":", with: ""))-compare"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var sides: [ComparisonSide] = []
        for (index, path) in topologies.enumerated() {
            var run = self
            run.topologyOverride = path
            run.runsDirectory = "\(folder)/side-\(index + 1)"
            run.labName = labName.map { "\($0)-\(index + 1)" }
            progress("side \(index + 1) of \(topologies.count): \(path)")
            let (report, runFolder) = try await run.execute(progress: progress, step: step)
            sides.append(ComparisonSide.summarise(report, topology: loaded[index], topologyPath: path, reference: reference, runFolder: runFolder))
            if index == 0 {  // one picture: the sides share the graph
                for file in ["topology.svg", "topology.dot"] where FileManager.default.fileExists(atPath: "\(runFolder)/\(file)") {
                    try? FileManager.default.copyItem(atPath: "\(runFolder)/\(file)", toPath: "\(folder)/\(file)")
                }
            }
        }
        let comparison = ScenarioComparison(scenario: scenario.name, description: scenario.description, sides: sides, folder: folder)
        try (comparison.text + "\n").write(toFile: "\(folder)/compare.txt", atomically: true, encoding: .utf8)
        try comparison.json().write(toFile: "\(folder)/compare.json", atomically: true, encoding: .utf8)
        return comparison
    }
}
