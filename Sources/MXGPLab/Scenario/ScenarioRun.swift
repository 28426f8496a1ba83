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
    /// The runtime a lab brought up for the run uses (a lab that is up keeps its own).
    public var backend: LabBackendKind

    public init(controller: LabController, scenarioPath: String, seed: UInt64? = nil, keep: Bool = false, runsDirectory: String = "runs", labName: String? = nil,
                backend: LabBackendKind = .netns) {
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
        let name = labName ?? topology.name
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
            report = await ScenarioRunner(lab: lab, scenario: scenario, progress: step).run()
        } catch {
            if !reused && !keep { try? await controller.down(name) }
            throw error
        }
        let folder = try writeRunFolder(report, lab: lab)
        if let containers = lab.backend as? any ContainerLabBackend {  // their logs are docker's
            for node in lab.plan.nodes {
                guard let container = await containers.container(lab.plan, node: node.name) else { continue }
                let log = await controller.runner.run(["docker", "logs", container], timeout: .seconds(30))
                try? (log.stdout + log.stderr).write(toFile: "\(folder)/logs/\(node.name).log", atomically: true, encoding: .utf8)
            }
        }
        // The picture, with Graphviz only.
        _ = await controller.runner.run(["dot", "-Tsvg", folder + "/topology.dot", "-o", folder + "/topology.svg"], timeout: .seconds(30))
        if !reused && !keep {
            try await controller.down(name)
        } else {
            progress("lab \(name) stays up (mxgp lab down \(name) removes it)")
        }
        return (report, folder)
    }

    /// `runs/<scenario>/<timestamp>/`: the report (JSON and text), the fault schedule, every
    /// message's history, the node logs and, with Graphviz, the topology with its faults.
    func writeRunFolder(_ report: ScenarioReport, lab: Lab) throws -> String {
        let stamp = report.startedAt.replacingOccurrences(of: ":", with: "")
        let folder = "\(runsDirectory)/\(report.scenario)/\(stamp)"
        let fm = FileManager.default
        try fm.createDirectory(atPath: folder + "/logs", withIntermediateDirectories: true)
        try report.json().write(toFile: folder + "/report.json", atomically: true, encoding: .utf8)
        try report.junit.write(toFile: folder + "/junit.xml", atomically: true, encoding: .utf8)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        struct Replay: Encodable { var scenario: String; var seed: UInt64; var lab: String; var schedule: [ScheduleEntry] }
        try encoder.encode(Replay(scenario: scenarioPath, seed: report.seed, lab: report.lab, schedule: report.schedule))
            .write(to: URL(fileURLWithPath: folder + "/schedule.json"))
        try encoder.encode(report.messages).write(to: URL(fileURLWithPath: folder + "/messages.json"))
        for node in lab.plan.nodes {
            let log = lab.directory.logPath(lab.name, node.name)
            if fm.fileExists(atPath: log) { try? fm.copyItem(atPath: log, toPath: "\(folder)/logs/\(node.name).log") }
        }
        // The picture shows every fault the run applied.
        let faults = report.schedule.filter { $0.action == "fault" }.compactMap(\.fault)
        let dot = LabGraph.dot(lab.plan.topology, faults: faults)
        try dot.write(toFile: folder + "/topology.dot", atomically: true, encoding: .utf8)
        return folder
    }
}
