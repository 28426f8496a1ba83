import Foundation
import MXGPTestSupport
import MXGPTopology
import Testing
@testable import MXGPLab

#if canImport(Glibc)
import Glibc
#endif

/// Today's email beside MXGP, for real (root, Postfix installed): the fiber-cut comparison of
/// `Labs/scenarios/compare/fiber-cut.yaml` on `Labs/hierarchy-postfix.yaml` (with Postfix's
/// timers shortened, so the test stays near a minute and a half) and `Labs/hierarchy-mxgp.yaml`.
@Suite(.serialized) struct NetnsPostfixTests {
    static let enabled = geteuid() == 0 && PostfixInstance.installed

    /// Postfix's timers for the test: connect timeout 5 s (default 30), queue run and minimal
    /// backoff 10 s (default 300), maximal backoff 20 s (default 4000).
    static let shortTimers = "postfix: { queue_run_delay: 10s, minimal_backoff_time: 10s, maximal_backoff_time: 20s, smtp_connect_timeout: 5s }\n"

    @Test(.enabled(if: enabled, "needs root (network namespaces) and Postfix (apt-get install -y postfix)"))
    func fiberCutComparison() async throws {
        let name = "test-" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let folder = NSTemporaryDirectory() + "mxgp-pfcompare-\(name)"
        let controller = LabController(directory: LabDirectory(root: folder + "/labs"), binary: try TestBinary.mxgp())
        // Also on failure: every lab of this test down (its Postfix processes with it), the folder gone.
        func cleanUp() async {
            for side in 1...2 { try? await controller.down("\(name)-\(side)") }
            try? FileManager.default.removeItem(atPath: folder)
        }
        do { try await compare(name: name, folder: folder, controller: controller) } catch {
            await cleanUp()
            throw error
        }
        await cleanUp()
    }

    func compare(name: String, folder: String, controller: LabController) async throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let labs = TestBinary.repository.appendingPathComponent("Labs").path
        let postfix = folder + "/hierarchy-postfix.yaml"
        try (String(contentsOfFile: "\(labs)/hierarchy-postfix.yaml", encoding: .utf8) + Self.shortTimers).write(toFile: postfix, atomically: true, encoding: .utf8)
        let run = ScenarioRun(controller: controller, scenarioPath: "\(labs)/scenarios/compare/fiber-cut.yaml", runsDirectory: folder + "/runs", labName: name)
        let comparison = try await run.compare([postfix, "\(labs)/hierarchy-mxgp.yaml"], progress: { _ in }, step: { _ in })
        let (today, mxgp) = (comparison.sides[0], comparison.sides[1])
        print(comparison.text)
        #expect(today.mta == "postfix" && mxgp.mta == "mxgp")
        for side in [today, mxgp] {
            #expect(side.accepted == 40 && side.delivered == 40 && side.lost == 0 && side.duplicated == 0, "\(side.mta): \(side)")
        }
        // Postfix waits out its connect timeout (5 s here) on the dead relayhost for each message
        // sent during the cut, then takes its fallback relay; MXGP moved its route within about a second.
        let todayMax = try #require(today.delayMax), todayMedian = try #require(today.delayMedian)
        let mxgpMedian = try #require(mxgp.delayMedian), mxgpMax = try #require(mxgp.delayMax)
        #expect(todayMax >= 4.5, "Postfix's longest delay \(todayMax) s is shorter than its 5 s connect timeout")
        #expect(mxgpMedian <= 2, "MXGP's median delay \(mxgpMedian) s")
        // MXGP's in-flight messages at the cut wait out its 5 s transaction timeout too; the rest do not.
        #expect(mxgpMedian < todayMedian, "median MXGP \(mxgpMedian) s (max \(mxgpMax) s) vs Postfix \(todayMedian) s (max \(todayMax) s)")
        for file in ["compare.txt", "compare.json"] {
            #expect(FileManager.default.fileExists(atPath: "\(comparison.folder)/\(file)"), "\(file) missing")
        }
        #expect(FileManager.default.fileExists(atPath: today.runFolder + "/report.json") && FileManager.default.fileExists(atPath: mxgp.runFolder + "/report.json"))
        // Both labs are down: no namespace, no Postfix process of this test's folder.
        #expect(await NetnsBackend(binary: "", directory: controller.directory).namespaces(prefix: "mxgp-\(name)").isEmpty)
        let leftover = await ProcessRunner().run(["pgrep", "-f", folder], timeout: .seconds(10))
        #expect(leftover.stdout.isEmpty, "processes left: \(leftover.stdout)")
    }
}
