import ArgumentParser
import Foundation
import MXGPLab

/// `mxgp lab run SCENARIO.yaml [--backend netns|compose|swarm|sim] [--seed N] [--json] [--junit FILE] [--keep]`.
struct LabRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a scripted fault exercise and report each step's verdict.",
        discussion: """
            Brings up the scenario's topology (or uses its lab when it is already up), runs the
            steps — send, fault, heal, wait, expect, check — prints each step's verdict and how
            long an expectation took to hold, writes runs/<scenario>/<timestamp>/ (report,
            JUnit XML, fault schedule, every message's history, node logs, topology picture),
            and takes the lab down unless --keep. Exit status 0 only when every step passed.
            With --backend sim the scenario runs in the simulator instead: every node in this
            process, in virtual time (seconds of waiting cost nothing), no root or Docker
            needed, and the same seed gives the same run folder.
            With --compare A.yaml B.yaml the scenario runs on each topology in turn (netns),
            e.g. today's email (Postfix nodes, mta: postfix) beside MXGP, and prints delivered,
            lost, duplicated, delivery delay (median, p99, max) and paths static forwarding
            cannot take side by side, into one folder runs/<scenario>/<timestamp>-compare/.
            The scenarios of Labs/scenarios/ are documented in docs/EXERCISES.md.
            """)

    @Argument(help: "Scenario file, e.g. Labs/scenarios/fiber-cut.yaml.") var scenario: String
    @Option(help: "Override the scenario's seed.") var seed: UInt64?
    @Flag(help: "Print the report as JSON.") var json = false
    @Option(help: ArgumentHelp("Also write the report as JUnit XML to FILE.", valueName: "FILE")) var junit: String?
    @Flag(help: "Leave the lab up afterwards.") var keep = false
    @Option(help: ArgumentHelp("Folder for run folders.", valueName: "DIR")) var runs = "runs"
    @Option(help: ArgumentHelp("Run the topology under this lab name.", valueName: "NAME")) var lab: String?
    @Option(help: "Lab runtime when the lab is not up yet: netns, compose or swarm; or sim, the simulator (no lab).") var backend = ScenarioBackend.lab(.netns)
    @Option(help: "Where container labs' image comes from: host (this mxgp) or source (compose/Dockerfile).") var imageSource = LabImageSource.default
    @Option(parsing: .upToNextOption, help: ArgumentHelp("Run the scenario on each of these topologies instead of its own, and compare them side by side.", valueName: "TOPOLOGY")) var compare: [String] = []
    @OptionGroup var options: LabOptions

    func run() async throws {
        var passed = false
        try await labReporting { passed = try await execute() }
        if !passed { throw ExitCode(1) }
    }

    /// Runs the scenario and prints the report; returns whether every step passed.
    func execute() async throws -> Bool {
        var controller = options.controller()
        controller.imageSource = imageSource
        let run = ScenarioRun(controller: controller, scenarioPath: scenario, seed: seed, keep: keep, runsDirectory: runs, labName: lab, backend: backend)
        let quiet = json
        let progress: @Sendable (String) -> Void = { line in if !quiet { labProgress(line) } }
        let stepDone: @Sendable (StepResult) -> Void = { step in if !quiet { print(LabRendering.step(step)) } }
        if !compare.isEmpty {
            let comparison = try await run.compare(compare, progress: progress, step: stepDone)
            if json { print(try comparison.json(), terminator: "") } else { print(comparison.text) }
            return comparison.sides.allSatisfy(\.passed)
        }
        let (report, folder) = try await run.execute(progress: progress, step: stepDone)
        if json { print(try report.json(), terminator: "") } else { print(LabRendering.scenarioSummary(report, folder: folder)) }
        if let junit { try report.junit.write(toFile: junit, atomically: true, encoding: .utf8) }
        return report.passed
    }
}
