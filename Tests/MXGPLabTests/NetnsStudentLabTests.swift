import Foundation
import MXGPTestSupport
import MXGPTopology
import Testing
@testable import MXGPLab

#if canImport(Glibc)
import Glibc
#endif

/// A lab per student on real namespaces (needs root): a lab up under its own name is listed
/// with its owner, its node shell has `mxgp` on the PATH with `mxgp ctl` asking that node,
/// and its node logs can be read.
@Suite(.serialized) struct NetnsStudentLabTests {
    @Test(.enabled(if: NetnsLabTests.isRoot, "needs root for network namespaces"))
    func namedLabIsListedAndItsNodeShellAsksThatNode() async throws {
        try await NetnsLabTests.withLab { lab, controller in
            let listed = try #require(controller.summaries().first { $0.name == lab.name })
            #expect(listed.nodes == 7 && listed.backend == "netns" && listed.faults.isEmpty)
            #expect(listed.owner == LabOwner.current())
            let plan = await controller.planDownAll()
            #expect(plan.labs.map(\.name).contains(lab.name))
            #expect(!plan.strayNamespaces.contains { $0.hasPrefix("mxgp-\(lab.name)-") })

            try LabShell.prepare(lab, node: "colo1")
            let node = try lab.node("colo1")
            let script = "command -v mxgp; echo socket=$MXGP_SOCKET; mxgp ctl routes --json"
            let result = await ProcessRunner().run(LabShell.command(lab, node: node, container: nil, terminal: false, command: script),
                                                   timeout: .seconds(60))
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains(LabShell.binFolder(lab) + "/mxgp"))
            #expect(result.stdout.contains("socket=\(lab.plan.layout.adminSocket("colo1"))"))
            #expect(result.stdout.contains("\"bob.example\""))
            // The shell is inside the node's namespace: it sees colo1's interfaces.
            let interfaces = await ProcessRunner().run(LabShell.command(lab, node: node, container: nil, terminal: false, command: "ip -o link show"),
                                                       timeout: .seconds(30))
            #expect(interfaces.stdout.contains(node.interfaces[0].name))

            let logs = await ProcessRunner().run(LabShell.logCommand(lab, node: "colo1", container: nil, follow: false, lines: nil), timeout: .seconds(10))
            #expect(logs.succeeded && !logs.stdout.isEmpty)
        }
    }
}

/// `mxgp lab check EXERCISE --lab LAB`: the exercise's checks against a live lab run from the
/// trainer's answer pass, as they do in the simulator.
@Suite(.serialized) struct NetnsExerciseCheckTests {
    @Test(.enabled(if: NetnsLabTests.isRoot, "needs root for network namespaces"))
    func anAnswerPassesAgainstALiveLab() async throws {
        let folder = TestBinary.repository.appendingPathComponent("Labs/exercises/01-prefer-up2").path
        let exercise = try ExerciseParser.load(folder: folder)
        try await NetnsLabTests.withLab("exercises/01-prefer-up2/answer/topology.yaml") { lab, _ in
            let world = await ExerciseWorld.live(lab)
            #expect(world.source == "lab \(lab.name)")
            let results = ExerciseChecker.run(exercise, on: world)
            #expect(results.allSatisfy { $0.passed }, "\(results.filter { !$0.passed })")
        }
    }
}
