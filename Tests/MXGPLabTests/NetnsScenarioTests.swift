import Foundation
import MXGPTestSupport
import Testing
@testable import MXGPLab

#if canImport(Glibc)
import Glibc
#endif

/// The scenario pack, run for real on network namespaces (root): every scenario must pass.
/// Each runs under its own lab name and writes its run folder to a temporary folder.
///
/// Differential check: each scenario also runs in the simulator, and the verdicts of its steps
/// must be the same on both (a disagreement is a bug in one of them; both traces are printed).
/// The fiber-cut run is then replayed in the simulator from its run folder.
@Suite(.serialized) struct NetnsScenarioTests {
    @Test(.enabled(if: geteuid() == 0, "needs root for network namespaces"), arguments: ScenarioParserTests.pack)
    func scenarioPasses(file: String) async throws {
        let name = "test-" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let folder = NSTemporaryDirectory() + "mxgp-scenariotest-\(name)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let controller = try LabController.testing(folder)
        let run = ScenarioRun(controller: controller, scenarioPath: "\(ScenarioParserTests.folder)/\(file)", runsDirectory: folder + "/runs", labName: name)
        let (report, runFolder) = try await run.execute(progress: { _ in }, step: { _ in })
        #expect(report.passed, "\(file): \(report.steps.filter { $0.verdict == .failed }.map { "\($0.step): \($0.detail)" })")
        let (simulated, simFolder) = try await SimScenarioTests.run("\(ScenarioParserTests.folder)/\(file)", runs: folder + "/runs")
        #expect(simulated.steps.map(\.verdict) == report.steps.map(\.verdict), """
            \(file): the simulator and netns disagree
            netns (\(runFolder)):
            \(report.steps.map { "  \($0.index + 1). \($0.verdict) \($0.step): \($0.detail)" }.joined(separator: "\n"))
            simulator (\(simFolder)):
            \(simulated.steps.map { "  \($0.index + 1). \($0.verdict) \($0.step): \($0.detail)" }.joined(separator: "\n"))
            """)
        if file == "fiber-cut.yaml" {
            // Replayed in the simulator, the recorded run's messages take the recorded paths, but
            // those the two runs delivered on different sides of the cut: the replay submits at
            // the schedule's times, while on a loaded machine the lab's sender and colo1's queue
            // lag behind them, so such a message's fate is a race in both.
            let loaded = try RunReplay.load(folder: runFolder)
            let replay = try await loaded.run()
            let cutAt = loaded.schedule.schedule.first { $0.action == "fault" }?.at ?? 0
            func afterCut(_ messages: [MessageRecord]) -> [String: Bool] {
                Dictionary(messages.compactMap { message in message.deliveredAt.map { (message.messageId, $0 >= cutAt) } }, uniquingKeysWith: { a, _ in a })
            }
            let (recordedSide, replayedSide) = (afterCut(report.messages), afterCut(replay.report.messages))
            let compared = replay.pairs.filter { recordedSide[$0.recordedId] == replayedSide[$0.replayedId] }
            let raced = replay.pairs.count - compared.count
            let same = compared.filter { $0.samePath }.count
            #expect(replay.pairs.count == report.messages.count && same * 10 >= compared.count * 9 && compared.count * 2 >= replay.pairs.count,
                    "\(same)/\(compared.count) same paths (\(raced) delivered on different sides of the cut not compared): \(compared.filter { !$0.samePath }.map { "\($0.recordedHops) vs \($0.replayedHops)" })")
            #expect(replay.report.lost.isEmpty && replay.report.duplicated.isEmpty)
        }
        #expect(report.lost.isEmpty && report.duplicated.isEmpty)
        for artefact in ["report.json", "junit.xml", "report.html", "schedule.json", "messages.json", "topology.dot"] {
            #expect(FileManager.default.fileExists(atPath: "\(runFolder)/\(artefact)"), "\(artefact) missing")
        }
        // The lab is down again: nothing left.
        #expect(await NetnsBackend(binary: "", directory: controller.directory).namespaces(prefix: "mxgp-\(name)-").isEmpty)
        #expect(!FileManager.default.fileExists(atPath: controller.directory.labPath(name)))
    }
}

/// Verdicts that must fail, and repeatability.
@Suite(.serialized) struct NetnsScenarioVerdictTests {
    static func run(_ yaml: String, seed: UInt64? = nil) async throws -> ScenarioReport {
        let name = "test-" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let folder = NSTemporaryDirectory() + "mxgp-scenariotest-\(name)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let topology = TestBinary.repository.appendingPathComponent("Labs/quickstart.yaml").path
        try yaml.replacingOccurrences(of: "TOPOLOGY", with: topology).write(toFile: folder + "/s.yaml", atomically: true, encoding: .utf8)
        let controller = try LabController.testing(folder)
        let run = ScenarioRun(controller: controller, scenarioPath: folder + "/s.yaml", seed: seed, runsDirectory: folder + "/runs", labName: name)
        return try await run.execute(progress: { _ in }, step: { _ in }).0
    }

    /// A wrong expectation fails, and its step says what was expected and what was seen.
    @Test(.enabled(if: geteuid() == 0, "needs root for network namespaces"))
    func aWrongExpectationFailsClearly() async throws {
        let report = try await Self.run("""
            scenario: wrong
            description: expects the wrong upstream
            topology: TOPOLOGY
            steps:
              - expect: { route: { node: colo1, domain: bob.example, nextHop: up2 } }
                within: 1s
              - check:
            """)
        #expect(!report.passed)
        let step = try #require(report.steps.first)
        #expect(step.verdict == .failed)
        #expect(step.line == 5)
        #expect(step.step == "expect route colo1 bob.example, next hop up2 within 1.00 s")
        #expect(step.detail == "colo1 has up1 [100 64502] (price) for bob.example")
        #expect(step.seconds >= 1)
        #expect(report.steps[1].verdict == .passed)
    }

    /// The same scenario and seed give the same fault schedule and the same verdicts.
    @Test(.enabled(if: geteuid() == 0, "needs root for network namespaces"))
    func sameSeedSameScheduleAndVerdicts() async throws {
        let path = TestBinary.repository.appendingPathComponent("Labs/scenarios/spam-overload.yaml").path
        let yaml = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "../quickstart.yaml", with: "TOPOLOGY")
        let first = try await Self.run(yaml, seed: 42)
        let second = try await Self.run(yaml, seed: 42)
        #expect(first.seed == 42 && second.seed == 42)
        #expect(first.schedule.map { [$0.action, $0.fault?.description ?? "all"] } == second.schedule.map { [$0.action, $0.fault?.description ?? "all"] })
        #expect(first.steps.map(\.verdict) == second.steps.map(\.verdict))
        #expect(first.passed && second.passed)
    }
}
