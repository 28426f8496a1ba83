import ArgumentParser
import Foundation
import MXGPLab
import MXGPTopology

/// `mxgp lab chaos LAB [--duration D] [--seed N] [--runs DIR] [--json]`.
struct LabChaosCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chaos",
        abstract: "Run seeded mail and faults against a live lab, then heal, verify and count what was lost.",
        discussion: """
            The generator of mxgp sim explore, against a lab that is up (netns, compose or \
            swarm): mail streams between the colos and faults of every kind (cuts, downs, loss, \
            kills, restarts, pauses, session resets, tempfails), each healed after a while; then \
            everything is healed, mxgp lab verify probes every pair of colos, and the delivery \
            check counts lost and duplicated mail. Every node's memory and open descriptors are \
            measured before and after (more than 10 % growth fails). The run folder \
            (runs/chaos-SEED/…) replays in the simulator with mxgp sim --replay. Exit status 0 \
            only when nothing was lost or duplicated, verify passed and nothing grew.
            """)

    @Argument(help: "The lab name.") var lab: String
    @Option(help: ArgumentHelp("How long the chaos lasts (e.g. 60s, 10m).", valueName: "D")) var duration = "60s"
    @Option(help: "Seed of the schedule: the same seed, the same schedule.") var seed: UInt64 = 1
    @Option(help: ArgumentHelp("Folder for run folders.", valueName: "DIR")) var runs = "runs"
    @Flag(help: "Print the outcome as JSON.") var json = false
    @OptionGroup var options: LabOptions

    func run() async throws {
        var passed = false
        try await labReporting { passed = try await execute() }
        if !passed { throw ExitCode(1) }
    }

    func execute() async throws -> Bool {
        guard let length = DurationText.parse(duration), length > .zero else { throw CLIError("--duration \(duration.debugDescription) is not a duration like 60s or 10m") }
        let lab = try options.controller().open(self.lab)
        let chaos = LabChaos(lab: lab, seed: seed, duration: Double(length.components.seconds))
        let quiet = json
        let outcome = await chaos.run { step in if !quiet { print(LabRendering.step(step)) } }
        let stamp = ISO8601DateFormatter().string(from: Date())
        let folder = try RunFolder.write(outcome.report, topology: lab.plan.topology, topologyPath: lab.state.topologyFile,
                                         scenarioPath: "chaos-\(seed)", backend: lab.state.backend.description, runsDirectory: runs, stamp: stamp)
        if json {
            print(try JSONOutput.render(LabChaosRendering.JSON(outcome, folder: folder)))
        } else {
            print(LabChaosRendering.text(outcome, folder: folder), terminator: "")
        }
        return outcome.passed
    }
}

/// The chaos outcome for people and for JSON.
enum LabChaosRendering {
    static func text(_ outcome: LabChaos.Outcome, folder: String) -> String {
        let report = outcome.report
        let accepted = report.messages.filter { $0.submitted == "accepted" }.count
        var out = "chaos: \(outcome.schedule.filter { $0.action == "fault" }.count) faults, \(report.messages.count) messages (\(accepted) accepted), "
            + "\(report.lost.count) lost, \(report.duplicated.count) duplicated; verify \(outcome.verify.passed ? "passed" : "FAILED") "
            + "(\(outcome.verify.probes.filter { $0.verdict == .passed }.count)/\(outcome.verify.probes.count) probes)\n"
        out += "NODE      PID       MEMORY BEFORE → AFTER        DESCRIPTORS\n"
        for end in outcome.after {
            let start = outcome.before.first { $0.node == end.node }
            let restarted = start.map { $0.pid != end.pid } ?? true
            let memory = start.map { "\(mb($0.residentBytes)) → \(mb(end.residentBytes))" } ?? "- → \(mb(end.residentBytes))"
            out += pad(end.node, 10) + pad(String(end.pid), 10) + pad(memory, 28) + (start.map { "\($0.descriptors) → " } ?? "") + String(end.descriptors)
                + (restarted ? "  (restarted)" : "") + (outcome.grown.contains(end.node) ? "  GREW" : "") + "\n"
        }
        out += (outcome.passed ? "PASS" : "FAIL") + ": run folder \(folder) (replay: mxgp sim --replay \(folder))\n"
        return out
    }

    static func mb(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1_048_576) }
    static func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }

    struct JSON: Encodable {
        var passed: Bool
        var folder: String
        var faults: Int
        var messages: Int
        var lost: [String]
        var duplicated: [String]
        var verifyPassed: Bool
        var before: [LabChaos.Footprint]
        var after: [LabChaos.Footprint]
        var grown: [String]

        init(_ outcome: LabChaos.Outcome, folder: String) {
            passed = outcome.passed
            self.folder = folder
            faults = outcome.schedule.filter { $0.action == "fault" }.count
            messages = outcome.report.messages.count
            lost = outcome.report.lost
            duplicated = outcome.report.duplicated
            verifyPassed = outcome.verify.passed
            before = outcome.before
            after = outcome.after
            grown = outcome.grown
        }
    }
}
