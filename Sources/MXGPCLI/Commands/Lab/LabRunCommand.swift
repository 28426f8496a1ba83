import ArgumentParser
import Foundation
import MXGPLab

#if canImport(Glibc)
import Glibc
#endif

/// `mxgp lab run SCENARIO.yaml [--backend netns|compose|swarm|sim] [--seed N] [--json] [--junit FILE] [--keep]`.
struct LabRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a scripted fault exercise and report each step's verdict.",
        discussion: """
            Brings up the scenario's topology (or uses its lab when it is already up), runs the \
            steps — send, fault, heal, wait, expect, check — prints each step's verdict and how \
            long an expectation took to hold, writes runs/<scenario>/<timestamp>/ (report, \
            JUnit XML, fault schedule, every message's history, node logs, topology picture), \
            and takes the lab down unless --keep. Exit status 0 only when every step passed. \
            With --backend sim the scenario runs in the simulator instead: every node in this \
            process, in virtual time (seconds of waiting cost nothing), no root or Docker \
            needed, and the same seed gives the same run folder. \
            With --compare A.yaml B.yaml the scenario runs on each topology in turn (on the lab backend), \
            e.g. today's email (Postfix nodes, mta: postfix) beside MXGP, and prints delivered, \
            lost, duplicated, delivery delay (median, p99, max) and paths static forwarding \
            cannot take side by side, into one folder runs/<scenario>/<timestamp>-compare/. \
            The scenarios of Labs/scenarios/ are documented in docs/EXERCISES.md.

            In a classroom: --slow FACTOR makes every wait step FACTOR times as long and leaves \
            FACTOR − 1 seconds between steps; `pause: "question"` steps print the question and wait \
            for Enter (skipped with --no-pause, when standard input is not a terminal, and in the \
            simulator); --stop-before-heal runs up to the scenario's final heal and leaves the lab \
            up with its faults (it implies --keep). An expect step's verdict says whether the \
            scenario's story held (which may be a harm it shows on purpose, such as mail going to a \
            hijacker); the check step's says whether every accepted message arrived exactly once.
            """)

    @Argument(help: "Scenario file, e.g. Labs/scenarios/fiber-cut.yaml.") var scenario: String
    @Option(help: "Override the scenario's seed.") var seed: UInt64?
    @Flag(help: "Print the report as JSON.") var json = false
    @Option(help: ArgumentHelp("Also write the report as JUnit XML to FILE.", valueName: "FILE")) var junit: String?
    @Flag(help: "Leave the lab up afterwards.") var keep = false
    @Flag(help: "Stop before the scenario's final heal and leave the lab up with its faults (implies --keep).") var stopBeforeHeal = false
    @Option(help: ArgumentHelp("Stretch the run for a room: waits FACTOR times as long, FACTOR − 1 s between steps.", valueName: "FACTOR")) var slow = 1.0
    @Flag(help: "Do not wait at pause: steps (they are skipped anyway without a terminal).") var noPause = false
    @Option(help: ArgumentHelp("Folder for run folders.", valueName: "DIR")) var runs = "runs"
    @Option(help: ArgumentHelp("Run the topology under this lab name.", valueName: "NAME")) var lab: String?
    @Option(help: "Lab runtime when the lab is not up yet: netns, compose or swarm; or sim, the simulator (no lab).") var backend = ScenarioBackend.lab(.netns)
    @Option(help: "Where container labs' image comes from: host (this mxgp) or source (compose/Dockerfile).") var imageSource = LabImageSource.default
    @Option(parsing: .upToNextOption, help: ArgumentHelp("Run the scenario on each of these topologies instead of its own, and compare them side by side.", valueName: "TOPOLOGY")) var compare: [String] = []
    @OptionGroup var options: LabOptions

    func validate() throws {
        guard slow >= 1, slow <= 100 else { throw ValidationError("--slow must be between 1 (full speed) and 100") }
    }

    func run() async throws {
        var passed = false
        try await labReporting { passed = try await execute() }
        if !passed { throw ExitCode(1) }
    }

    /// Runs the scenario and prints the report; returns whether every step passed.
    func execute() async throws -> Bool {
        var controller = options.controller()
        controller.imageSource = imageSource
        var run = ScenarioRun(controller: controller, scenarioPath: scenario, seed: seed, keep: keep, runsDirectory: runs, labName: lab, backend: backend)
        let quiet = json
        let terminal = isatty(0) == 1
        run.pacing = ScenarioPacing(slow: slow, stopBeforeFinalHeal: stopBeforeHeal,
                                    ask: noPause || !terminal || quiet ? nil : Self.askTheRoom,
                                    whyNotPaused: noPause ? "--no-pause" : quiet ? "--json" : "standard input is not a terminal")
        let progress: @Sendable (String) -> Void = { line in if !quiet { labProgress(line) } }
        let stepDone: @Sendable (StepResult) -> Void = { step in if !quiet { print(LabRendering.step(step)) } }
        if !compare.isEmpty {
            let comparison = try await run.compare(compare, progress: progress, step: stepDone)
            if json { print(try comparison.json(), terminator: "") } else { print(comparison.text) }
            return comparison.sides.allSatisfy(\.passed)
        }
        let (report, folder) = try await run.execute(progress: progress, step: stepDone)
        if json { print(try report.json(), terminator: "") } else { print(LabRendering.scenarioSummary(report, folder: folder, simulated: backend == .sim)) }
        if let junit { try report.junit.write(toFile: junit, atomically: true, encoding: .utf8) }
        return report.passed
    }

    /// Prints a pause step's question and waits for Enter (off the cooperative pool, so
    /// background sends go on meanwhile); returns the report's note.
    @Sendable static func askTheRoom(_ question: String) async -> String {
        print("\n  ? \(question)\n    (press Enter to go on)", terminator: " ")
        fflush(nil)
        let started = ContinuousClock.now
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                _ = readLine()
                done.resume()
            }
        }
        return "paused for the class (\(LabUpCommand.format(ContinuousClock.now - started)))"
    }
}
