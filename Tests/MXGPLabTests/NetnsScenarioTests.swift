import Foundation
import MXGPTestSupport
import Testing
@testable import MXGPLab

#if canImport(Glibc)
import Glibc
#endif

/// The scenario pack, run for real on network namespaces (root): every scenario must pass.
/// Each runs under its own lab name and writes its run folder to a temporary folder.
@Suite(.serialized) struct NetnsScenarioTests {
    @Test(.enabled(if: geteuid() == 0, "needs root for network namespaces"), arguments: ScenarioParserTests.pack)
    func scenarioPasses(file: String) async throws {
        let name = "test-" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let folder = NSTemporaryDirectory() + "mxgp-scenariotest-\(name)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let controller = LabController(directory: LabDirectory(root: folder + "/labs"), binary: try TestBinary.mxgp())
        let run = ScenarioRun(controller: controller, scenarioPath: "\(ScenarioParserTests.folder)/\(file)", runsDirectory: folder + "/runs", labName: name)
        let (report, runFolder) = try await run.execute(progress: { _ in }, step: { _ in })
        #expect(report.passed, "\(file): \(report.steps.filter { $0.verdict == .failed }.map { "\($0.step): \($0.detail)" })")
        #expect(report.lost.isEmpty && report.duplicated.isEmpty)
        for artefact in ["report.json", "junit.xml", "schedule.json", "messages.json", "topology.dot"] {
            #expect(FileManager.default.fileExists(atPath: "\(runFolder)/\(artefact)"), "\(artefact) missing")
        }
        // The lab is down again: nothing left.
        #expect(await NetnsBackend(binary: "", directory: controller.directory).namespaces(prefix: "mxgp-\(name)-").isEmpty)
        #expect(!FileManager.default.fileExists(atPath: controller.directory.labPath(name)))
    }
}
