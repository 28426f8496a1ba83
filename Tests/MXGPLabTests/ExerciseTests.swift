import Foundation
import MXGPTestSupport
import MXGPTopology
import Testing
@testable import MXGPLab

/// The exercises of `Labs/exercises/`: each parses, its checks fail on the starting topology
/// and pass with the trainer's answer (`answer/topology.yaml`, the file docs/TRAINER.md explains).
@Suite(.serialized) struct ExerciseTests {
    static let root = TestBinary.repository.appendingPathComponent("Labs/exercises").path
    static var names: [String] { ExerciseCatalogue.names(root: root) }

    @Test func thereAreEnoughExercisesFromBeginnerToAdvanced() throws {
        #expect(Self.names.count >= 8)
        let levels = try Self.names.map { try ExerciseParser.load(folder: "\(Self.root)/\($0)").level }
        #expect(levels.first == "beginner" && levels.last == "advanced")
        #expect(Set(levels) == ["beginner", "intermediate", "advanced"])
    }

    @Test(arguments: names)
    func checksFailOnTheStartAndPassWithTheAnswer(name: String) throws {
        let exercise = try ExerciseParser.load(folder: "\(Self.root)/\(name)")
        #expect(exercise.name == name)
        #expect(!exercise.hints.isEmpty && exercise.checks.count >= 2)
        let hinted = exercise.checks.allSatisfy { !$0.hint.isEmpty }
        #expect(hinted)
        let start = ExerciseChecker.run(exercise, on: .simulated(try Topology.load(path: exercise.topologyPath).topology))
        #expect(start.contains { !$0.passed }, "\(name): every check already passes on the starting topology")
        let answer = ExerciseChecker.run(exercise, on: .simulated(try Topology.load(path: "\(exercise.folder)/answer/\(exercise.edit)").topology))
        let allPassed = answer.allSatisfy { $0.passed }
        #expect(allPassed, "\(name): \(answer.filter { !$0.passed }.map { "\($0.name): \($0.detail)" })")
    }

    @Test func aBrokenExerciseNamesTheLine() {
        #expect {
            try ExerciseParser.parse(yaml: "exercise: x\ntitle: t\ngoal: g\nchecks:\n  - name: c\n    rout: { node: a, domain: b }\n", file: "x/exercise.yaml", folder: "x")
        } throws: { error in
            "\(error)".contains("exercise.yaml:6") && "\(error)".contains("did you mean \"route\"")
        }
    }

    @Test func exercisesAreFoundByNameOrShortName() throws {
        #expect(try ExerciseCatalogue.folder(of: "01-prefer-up2", root: Self.root).hasSuffix("/01-prefer-up2"))
        #expect(try ExerciseCatalogue.folder(of: "prefer-up2", root: Self.root).hasSuffix("/01-prefer-up2"))
        #expect(throws: LabError.self) { try ExerciseCatalogue.folder(of: "nope", root: Self.root) }
        #expect(try ExerciseCatalogue.list(root: Self.root).contains("01-prefer-up2"))
    }
}
