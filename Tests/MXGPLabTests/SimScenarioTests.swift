import Foundation
import MXGPTestSupport
import MXGPCore
import Testing
@testable import MXGPLab

/// The scenario pack in the simulator (`mxgp lab run --backend sim`): no root, no Docker.
@Suite(.serialized) struct SimScenarioTests {
    /// Runs a scenario file in the simulator; returns the report and the run folder.
    static func run(_ path: String, runs: String, seed: UInt64? = nil) async throws -> (ScenarioReport, String) {
        let controller = LabController(directory: LabDirectory(root: runs + "/labs"), binary: "/nonexistent/mxgp")
        return try await ScenarioRun(controller: controller, scenarioPath: path, seed: seed, runsDirectory: runs, backend: .sim)
            .execute(progress: { _ in }, step: { _ in })
    }

    static func temporaryFolder() -> String {
        NSTemporaryDirectory() + "mxgp-simscenario-" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
    }

    @Test(arguments: ScenarioParserTests.pack)
    func scenarioPassesInTheSimulator(file: String) async throws {
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (report, runFolder) = try await Self.run("\(ScenarioParserTests.folder)/\(file)", runs: folder)
        #expect(report.passed, "\(file): \(report.steps.filter { $0.verdict == .failed }.map { "\($0.step): \($0.detail)" })")
        #expect(report.lost.isEmpty && report.duplicated.isEmpty)
        for artefact in ["report.json", "junit.xml", "schedule.json", "messages.json", "topology.dot", "topology.yaml", "logs/sim.log"] {
            #expect(FileManager.default.fileExists(atPath: "\(runFolder)/\(artefact)"), "\(artefact) missing")
        }
        // Nothing was brought up: no lab folder.
        #expect(!FileManager.default.fileExists(atPath: folder + "/labs"))
    }

    /// The same seed gives the same run folder, byte for byte (but its name, a wall-clock stamp);
    /// the fiber-cut report is a golden file.
    @Test func theSameSeedGivesTheSameRunFolder() async throws {
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = "\(ScenarioParserTests.folder)/fiber-cut.yaml"
        let (first, a) = try await Self.run(path, runs: folder + "/a")
        let (_, b) = try await Self.run(path, runs: folder + "/b")
        let (other, _) = try await Self.run(path, runs: folder + "/c", seed: 2)
        let files = try FileManager.default.subpathsOfDirectory(atPath: a).filter { !$0.hasSuffix(".svg") }.sorted()
        #expect(files.contains("logs/sim.log") && files.contains("report.json"))
        for file in files where !file.hasSuffix("logs") {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: "\(a)/\(file)", isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            #expect(FileManager.default.contents(atPath: "\(a)/\(file)") == FileManager.default.contents(atPath: "\(b)/\(file)"), "\(file) differs")
        }
        #expect(try first.json() != other.json(), "another seed gives another run")
        try Golden.check(first.json(), "fiber-cut.sim.report.json")
    }

    /// A wrong expectation fails in the simulator as on a lab, with what was seen.
    @Test func aWrongExpectationFails() async throws {
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let topology = TestBinary.repository.appendingPathComponent("Labs/quickstart.yaml").path
        try """
            scenario: wrong
            description: expects the wrong upstream
            topology: \(topology)
            steps:
              - expect: { route: { node: colo1, domain: bob.example, nextHop: up2 } }
                within: 1s
              - fault: cut colo1 t1a
              - check:
            """.write(toFile: folder + "/s.yaml", atomically: true, encoding: .utf8)
        let (report, _) = try await Self.run(folder + "/s.yaml", runs: folder + "/runs")
        #expect(!report.passed)
        #expect(report.steps[0].verdict == .failed)
        #expect(report.steps[0].detail == "colo1 has up1 [100 64502] (price) for bob.example")
        #expect(report.steps[0].seconds >= 1)
        #expect(report.steps[1].verdict == .failed)
        #expect(report.steps[1].detail == "colo1 and t1a are not linked in lab quickstart; colo1's neighbours: up1, up2")
    }

    /// A run folder replays in the simulator with the same paths (here one recorded in the simulator).
    @Test func aRunFolderReplays() async throws {
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (_, runFolder) = try await Self.run("\(ScenarioParserTests.folder)/fiber-cut.yaml", runs: folder)
        let replay = try RunReplay.load(folder: runFolder)
        #expect(replay.schedule.schedule.map(\.action) == ["send", "fault", "heal"])
        let bob = try #require(DomainName("bob.example"))
        let result = await replay.run(trace: [bob])
        #expect(result.pairs.count == 60)
        #expect(result.pairs.allSatisfy { $0.samePath })
        #expect(result.routeChanges.contains { $0.node == "colo1" && $0.route?.nextHop == "up2" && $0.seconds > 2 })
        #expect(throws: LabError.self) { try RunReplay.load(folder: folder) }
    }
}
