import Foundation
import MXGPTestSupport
import MXGPTopology
import Testing
@testable import MXGPLab

/// Scenarios for a room: pause steps, --slow, stopping before the final heal, and verdicts
/// that say whether the story held (naming the harm a scenario shows on purpose).
@Suite(.serialized) struct ScenarioRoomTests {
    static let folder = ScenarioParserTests.folder

    @Test func pauseAndHarmfulRead() throws {
        let (scenario, _) = try ScenarioParser.parse(yaml: """
            scenario: room
            topology: ../quickstart.yaml
            steps:
              - pause: "Which way will the mail go?"
              - expect: { route: { node: colo1, domain: bob.example, nextHop: up1 } }
                harmful: mail goes the long way
              - check:
            """, file: "\(Self.folder)/room.yaml")
        #expect(scenario.steps[0].action == .pause("Which way will the mail go?"))
        #expect(scenario.steps[0].action.label == "pause: Which way will the mail go?")
        #expect(scenario.steps[1].harmful == "mail goes the long way")
        #expect(scenario.steps[2].harmful == nil)
    }

    @Test func harmfulGoesWithExpectOnly() {
        #expect(throws: ConfigFileErrors.self) {
            try ScenarioParser.parse(yaml: "scenario: x\ntopology: ../quickstart.yaml\nsteps:\n  - check:\n    harmful: oops\n", file: "\(Self.folder)/x.yaml")
        }
    }

    static func simRunner(_ file: String, pacing: ScenarioPacing) throws -> ScenarioRunner {
        let (scenario, topology) = try ScenarioParser.load(path: "\(folder)/\(file)")
        var runner = ScenarioRunner(target: SimScenarioTarget(topology: topology, seed: scenario.seed, name: topology.name), scenario: scenario)
        runner.pacing = pacing
        return runner
    }

    /// hijack-unprotected passes because its story held, and the report says the story is the
    /// harm: the mail went to the hijacker.
    @Test func hijackUnprotectedMarksItsHarm() async throws {
        let report = try await Self.simRunner("hijack-unprotected.yaml", pacing: ScenarioPacing(whyNotPaused: "--no-pause")).run()
        #expect(report.passed)
        let via = try #require(report.steps.first { $0.step.hasPrefix("expect via") })
        #expect(via.kind == .story && via.harmful == "mail went to the hijacker")
        #expect(report.steps.first { $0.step.hasPrefix("check") }?.kind == .check)
        let pause = try #require(report.steps.first { $0.step.hasPrefix("pause") })
        #expect(pause.verdict == .done && pause.detail == "not paused (--no-pause)")
    }

    /// A pause step asks its question and waits for the answer before the next step.
    @Test func aPauseStepAsksTheRoom() async throws {
        let asked = AskedQuestions()
        let report = try await Self.simRunner("fiber-cut.yaml", pacing: ScenarioPacing(ask: { question in
            asked.add(question)
            return "paused for the class"
        })).run()
        #expect(asked.all.count == 1 && asked.all[0].contains("Which way will the mail go"))
        #expect(report.steps[1].detail == "paused for the class")
        #expect(report.passed)
    }

    /// --slow 3: the wait step lasts three times as long, with 2 s between steps (virtual time).
    @Test func slowStretchesWaitsAndSpacesSteps() async throws {
        let normal = try await Self.simRunner("fiber-cut.yaml", pacing: ScenarioPacing()).run()
        let slow = try await Self.simRunner("fiber-cut.yaml", pacing: ScenarioPacing(slow: 3)).run()
        let wait = { (report: ScenarioReport) in report.steps.first { $0.step.hasPrefix("wait") }! }
        #expect(abs(wait(normal).seconds - 2) < 0.01)
        #expect(abs(wait(slow).seconds - 6) < 0.01)
        // The printed step says the time it waited, and why.
        #expect(wait(normal).step == "wait 2.00 s")
        #expect(wait(slow).step == "wait 6.00 s (2.00 s × slow 3)")
        // The fault step starts 2 s (breather) after the wait step ended.
        let fault = slow.steps.first { $0.step.hasPrefix("fault") }!
        #expect(abs(fault.at - (wait(slow).at + 6 + 2)) < 0.05)
        #expect(slow.passed)
    }

    @Test(arguments: [(1.0, "wait 2.00 s"), (3.0, "wait 6.00 s (2.00 s × slow 3)"), (1.5, "wait 3.00 s (2.00 s × slow 1.5)")])
    func aWaitSaysItsStretchedTime(slow: Double, label: String) {
        #expect(ScenarioAction.wait(.seconds(2)).label(slow: slow) == label)
        #expect(ScenarioAction.heal(nil).label(slow: slow) == "heal all", "only waits are stretched")
    }

    /// --stop-before-heal: the run ends before the last heal and its later steps, with the fault still in place.
    @Test func stopsBeforeTheFinalHeal() async throws {
        let report = try await Self.simRunner("fiber-cut.yaml", pacing: ScenarioPacing(stopBeforeFinalHeal: true)).run()
        let (scenario, _) = try ScenarioParser.load(path: "\(Self.folder)/fiber-cut.yaml")
        let heal = try #require(scenario.steps.lastIndex { $0.action.isHeal })
        #expect(report.stoppedBefore == heal)
        #expect(report.steps.count == heal)
        #expect(!report.steps.contains { $0.step.hasPrefix("heal") })
        #expect(report.schedule.last?.action == "fault")
        #expect(report.passed)
    }
}

/// The questions a test's pause handler was asked.
final class AskedQuestions: @unchecked Sendable {
    private let lock = NSLock()
    private var questions: [String] = []
    func add(_ question: String) { lock.withLock { questions.append(question) } }
    var all: [String] { lock.withLock { questions } }
}
