import Foundation
import MXGPTopology

/// A run folder: what `mxgp lab run`, `mxgp lab chaos` and `mxgp sim explore` leave behind,
/// and what `mxgp sim --replay` reads.
public enum RunFolder {
    /// `runs/<scenario>/<timestamp>/`: the report (JSON, JUnit and `report.html`, the run's
    /// timeline, see ``ReportHTML``), the fault schedule, every
    /// message's history, the topology (for replay) and its picture with the run's faults. The
    /// caller adds the logs.
    public static func write(_ report: ScenarioReport, topology: Topology, topologyPath: String, scenarioPath: String, backend: String,
                             runsDirectory: String, stamp: String) throws -> String {
        let folder = "\(runsDirectory)/\(report.scenario)/\(stamp.replacingOccurrences(of: ":", with: ""))"
        let fm = FileManager.default
        try fm.createDirectory(atPath: folder + "/logs", withIntermediateDirectories: true)
        try report.json().write(toFile: folder + "/report.json", atomically: true, encoding: .utf8)
        try report.junit.write(toFile: folder + "/junit.xml", atomically: true, encoding: .utf8)
        try ReportHTML.render(report).write(toFile: folder + "/report.html", atomically: true, encoding: .utf8)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(RunSchedule(scenario: scenarioPath, seed: report.seed, lab: report.lab, backend: backend, schedule: report.schedule, seconds: report.seconds))
            .write(to: URL(fileURLWithPath: folder + "/schedule.json"))
        try encoder.encode(report.messages).write(to: URL(fileURLWithPath: folder + "/messages.json"))
        // The topology as run, so the folder replays on its own (`mxgp sim --replay`).
        try fm.contentsOfFile(topologyPath).write(to: URL(fileURLWithPath: folder + "/topology.yaml"))
        // The picture shows every fault the run applied and where the mail went (to the
        // hijacker, around a cut…); contracts with their chargebacks are on the links.
        let faults = report.schedule.filter { $0.action == "fault" }.compactMap(\.fault)
        let outcome = LabGraph.Paths(outcomeOf: report)
        try LabGraph.dot(topology, faults: faults, paths: outcome.paths.isEmpty ? nil : outcome)
            .write(toFile: folder + "/topology.dot", atomically: true, encoding: .utf8)
        return folder
    }

}
