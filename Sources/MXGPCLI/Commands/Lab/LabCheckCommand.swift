import ArgumentParser
import Foundation
import MXGPLab
import MXGPTopology

/// `mxgp lab check EXERCISE [--lab NAME] [--file TOPOLOGY] [--json]`, `mxgp lab check --list`.
struct LabCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check an exercise: run its named checks against your edited topology or your running lab.",
        discussion: """
            Exercises live in Labs/exercises/<name>/: exercise.yaml (goal, hints, checks) and the \
            starting topology.yaml, which you edit. `mxgp lab check NAME` converges your edited \
            file in the simulator and runs every check, printing pass or fail per check and a hint \
            for each failure; --lab LAB runs the route checks against the live routes of a lab you \
            brought up from your file instead (mxgp lab up Labs/exercises/NAME/topology.yaml --name LAB). \
            --file checks another copy of the topology. Exit status 0 when every check passes, 1 \
            when one fails, 2 when the exercise or your file cannot be read (the error names the \
            line). --list shows the exercises; docs/EXERCISES.md explains them and docs/TRAINER.md \
            has the answers.
            """)

    @Argument(help: "The exercise: its name (a folder of Labs/exercises, e.g. 01-prefer-up2) or its folder.") var exercise: String?
    @Option(help: ArgumentHelp("Check the live routes of this lab instead of the simulation of your file.", valueName: "LAB")) var lab: String?
    @Option(help: ArgumentHelp("The topology to check (default: the exercise's topology.yaml).", valueName: "FILE")) var file: String?
    @Option(help: ArgumentHelp("Where exercises live (default: Labs/exercises, or $MXGP_EXERCISES).", valueName: "DIR")) var exercises: String?
    @Flag(help: "List the exercises.") var list = false
    @Flag(help: "Print JSON: {\"exercise\", \"source\", \"passed\", \"checks\": [{\"name\", \"passed\", \"detail\", \"hint\"}]}.") var json = false
    @OptionGroup var options: LabOptions

    func validate() throws {
        if exercise == nil, !list { throw ValidationError("name an exercise (mxgp lab check --list shows them)") }
        if lab != nil, file != nil { throw ValidationError("give --lab or --file, not both") }
    }

    var root: String { exercises ?? ProcessInfo.processInfo.environment["MXGP_EXERCISES"] ?? "Labs/exercises" }

    func run() async throws {
        var passed = true
        try await labReporting {
            if list {
                print(try ExerciseCatalogue.list(root: root), terminator: "")
                return
            }
            let folder = try ExerciseCatalogue.folder(of: exercise!, root: root)
            var exercise = try ExerciseParser.load(folder: folder)
            let world: ExerciseWorld
            if let lab {
                world = await ExerciseWorld.live(try options.controller().open(lab))
            } else {
                if let file { exercise.edit = URL(fileURLWithPath: file).standardizedFileURL.path; exercise.folder = "" }
                let path = file ?? exercise.topologyPath
                world = ExerciseWorld.simulated(try Topology.load(path: path).topology)
            }
            let results = ExerciseChecker.run(exercise, on: world)
            passed = results.allSatisfy(\.passed)
            if json {
                print(try JSONOutput.render(ExerciseReport(exercise: exercise.name, source: world.source, passed: passed, checks: results)))
            } else {
                print(ExerciseRendering.report(exercise, results, source: lab == nil ? "\(file ?? exercise.topologyPath) in \(world.source)" : world.source), terminator: "")
            }
        }
        if !passed { throw ExitCode(1) }
    }
}

/// `mxgp lab check --json`.
struct ExerciseReport: Encodable {
    var exercise: String
    var source: String
    var passed: Bool
    var checks: [ExerciseCheckResult]
}

/// The exercise report for people.
enum ExerciseRendering {
    static func report(_ exercise: Exercise, _ results: [ExerciseCheckResult], source: String) -> String {
        var lines = ["exercise \(exercise.name) (\(exercise.level)): \(exercise.title)", "checking \(source)"]
        for result in results {
            lines.append("\(result.passed ? "✔ PASS" : "✘ FAIL")  \(result.name) — \(result.detail)")
            if !result.passed, !result.hint.isEmpty { lines.append("         hint: \(result.hint)") }
        }
        let passed = results.filter(\.passed).count
        lines.append("")
        if passed == results.count {
            lines.append("PASS: all \(results.count) checks passed")
        } else {
            lines.append("FAIL: \(passed)/\(results.count) checks passed")
            if !exercise.hints.isEmpty { lines.append("hints, gentlest first:") }
            for hint in exercise.hints { lines.append("  - \(hint)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
