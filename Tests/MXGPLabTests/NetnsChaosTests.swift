import Foundation
import MXGPTestSupport
import Testing
@testable import MXGPLab

#if canImport(Glibc)
import Glibc
#endif

/// `mxgp lab chaos` on a real netns lab: seeded mail and faults, then heal, verify and the
/// delivery check; the run folder replays in the simulator with the paths the lab took.
@Suite(.serialized) struct NetnsChaosTests {
    @Test(.enabled(if: geteuid() == 0, "needs root for network namespaces"))
    func chaosLosesNothingAndReplays() async throws {
        try await NetnsLabTests.withLab { lab, _ in
            let outcome = await LabChaos(lab: lab, seed: 4, duration: 30).run()
            #expect(outcome.report.lost.isEmpty && outcome.report.duplicated.isEmpty, "\(outcome.report.lost) \(outcome.report.duplicated)")
            #expect(outcome.verify.passed)
            #expect(outcome.schedule.contains { $0.action == "fault" })
            #expect(outcome.before.count == lab.plan.nodes.count && outcome.after.count == lab.plan.nodes.count)
            #expect(outcome.grown.isEmpty, "grew: \(outcome.grown); before \(outcome.before), after \(outcome.after)")
            let runs = NSTemporaryDirectory() + "mxgp-chaostest-" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
            defer { try? FileManager.default.removeItem(atPath: runs) }
            let folder = try RunFolder.write(outcome.report, topology: lab.plan.topology, topologyPath: lab.state.topologyFile,
                                             scenarioPath: "chaos-4", backend: "netns", runsDirectory: runs, stamp: "test")
            let replay = try await RunReplay.load(folder: folder).run()
            let same = replay.pairs.filter { $0.samePath }.count
            #expect(replay.pairs.count == outcome.report.messages.count && same * 10 >= replay.pairs.count * 8,
                    "\(same)/\(replay.pairs.count) same paths")
        }
    }
}
