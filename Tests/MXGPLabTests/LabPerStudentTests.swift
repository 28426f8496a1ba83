import Foundation
import MXGPTopology
import Testing
@testable import MXGPLab

/// A lab per student without a lab: the listing of a lab folder, the question `down --all`
/// asks, and the shell and log commands as data.
@Suite struct LabPerStudentTests {
    /// A lab folder in a temp directory with the quickstart topology up as `name` (files only).
    static func folder(labs: [(name: String, state: LabState)]) throws -> LabDirectory {
        let root = NSTemporaryDirectory() + "mxgp-listtest-" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let directory = LabDirectory(root: root)
        let topology = try String(contentsOfFile: Golden.repository.appendingPathComponent("Labs/quickstart.yaml").path, encoding: .utf8)
        for (name, state) in labs {
            try directory.create(name)
            try topology.write(toFile: directory.topologyPath(name), atomically: true, encoding: .utf8)
            try state.write(to: directory.statePath(name))
        }
        return directory
    }

    static func state(_ backend: LabBackendKind = .netns, faults: [LabFault] = [], owner: String? = "alice") -> LabState {
        LabState(backend: backend, topologyFile: "/repo/Labs/quickstart.yaml", binary: "/usr/local/bin/mxgp",
                 createdAt: "2026-12-02T15:00:00Z", faults: faults, owner: owner)
    }

    @Test func listShowsEveryLabWithNodesFaultsAndOwner() throws {
        let directory = try Self.folder(labs: [
            ("bob-lab", Self.state(.compose, owner: "bob")),
            ("alice-lab", Self.state(faults: [.cut(a: "colo1", b: "up1", from: nil)])),
            ("old-lab", Self.state(owner: nil)),
        ])
        defer { try? FileManager.default.removeItem(atPath: directory.root) }
        // A folder without lab.json is no lab.
        try FileManager.default.createDirectory(atPath: directory.labPath("half"), withIntermediateDirectories: true)
        let summaries = LabController(directory: directory, binary: "/usr/local/bin/mxgp").summaries()
        #expect(summaries.map(\.name) == ["alice-lab", "bob-lab", "old-lab"])
        #expect(summaries[0] == LabSummary(name: "alice-lab", backend: "netns", nodes: 7, upSince: "2026-12-02T15:00:00Z",
                                           faults: ["cut colo1 up1"], owner: "alice"))
        #expect(summaries[1].backend == "compose" && summaries[1].owner == "bob" && summaries[1].faults.isEmpty)
        #expect(summaries[2].owner == nil && summaries[2].problem == nil)
    }

    @Test func aBrokenLabFolderIsListedWithItsProblem() throws {
        let directory = try Self.folder(labs: [("broken", Self.state())])
        defer { try? FileManager.default.removeItem(atPath: directory.root) }
        try "{".write(toFile: directory.statePath("broken"), atomically: true, encoding: .utf8)
        let summary = try #require(LabController(directory: directory, binary: "mxgp").summaries().first)
        #expect(summary.nodes == nil)
        #expect(summary.problem?.contains("mxgp lab down broken") == true)
    }

    @Test func olderLabFoldersWithoutOwnerStillRead() throws {
        let json = #"{"backend":"netns","topologyFile":"t.yaml","binary":"mxgp","createdAt":"x","faults":[]}"#
        let state = try JSONDecoder().decode(LabState.self, from: Data(json.utf8))
        #expect(state.owner == nil)
    }

    @Test func ownerIsTheUserBehindSudo() {
        #expect(LabOwner.current(environment: ["SUDO_USER": "alice", "USER": "root"]) == "alice")
        #expect(!LabOwner.current(environment: [:]).isEmpty)
    }

    @Test func downAllAsksOnATerminalAndRefusesWithoutOne() {
        #expect(DownAllConfirmation.decide(yes: true, interactive: false) == .proceed)
        #expect(DownAllConfirmation.decide(yes: true, interactive: true) == .proceed)
        #expect(DownAllConfirmation.decide(yes: false, interactive: true) == .ask)
        guard case .refuse(let message) = DownAllConfirmation.decide(yes: false, interactive: false) else {
            Issue.record("no terminal and no --yes must refuse")
            return
        }
        #expect(message.contains("--yes"))
        #expect(DownAllConfirmation.accepts("y") && DownAllConfirmation.accepts(" YES "))
        #expect(!DownAllConfirmation.accepts("") && !DownAllConfirmation.accepts("n") && !DownAllConfirmation.accepts(nil))
    }

    @Test func downAllPlanNamesLabsAndStrays() {
        let plan = DownAllPlan(labs: [LabSummary(name: "alice", backend: "netns", nodes: 7, upSince: "T", faults: [], owner: "alice")],
                               strayNamespaces: ["mxgp-bob-colo1"], strayLinks: ["mxgp-x-1a"])
        #expect(plan.lines == [
            "lab alice (netns, 7 nodes, owner alice, up since T)",
            "1 namespace(s) of no lab in this folder (another lab folder's labs, or leftovers): mxgp-bob-colo1",
            "1 leftover interface(s): mxgp-x-1a",
        ])
        #expect(DownAllPlan(labs: [], strayNamespaces: [], strayLinks: []).isEmpty)
    }

    static func lab(_ backend: LabBackendKind) throws -> Lab {
        let directory = LabDirectory(root: "/run/mxgp/labs")
        var topology = try LabPlanTests.topology("quickstart.yaml")
        topology.name = "alice"
        let controller = LabController(directory: directory, binary: "/usr/local/bin/mxgp")
        let plan = try LabPlanner.plan(topology, layout: controller.layout(backend, lab: "alice"))
        return Lab(plan: plan, backend: controller.makeBackend(backend), directory: directory, state: Self.state(backend))
    }

    @Test func netnsShellRunsBashInTheNamespaceWithTheLabsStartupFile() throws {
        let lab = try Self.lab(.netns)
        let node = try lab.node("colo1")
        #expect(LabShell.command(lab, node: node, container: nil, terminal: true) ==
                ["ip", "netns", "exec", "mxgp-alice-colo1", "bash", "--rcfile", "/run/mxgp/labs/alice/shell/colo1.bashrc", "-i"])
        #expect(LabShell.command(lab, node: node, container: nil, terminal: false, command: "mxgp ctl peers").suffix(4)
                == ["-c", ". \"$0\"; eval \"$1\"", "/run/mxgp/labs/alice/shell/colo1.bashrc", "mxgp ctl peers"])
        let rc = LabShell.rcFile(lab, node: "colo1")
        #expect(rc.contains("export PATH='/run/mxgp/labs/alice/bin':\"$PATH\""))
        #expect(rc.contains("export MXGP_SOCKET='\(lab.plan.layout.adminSocket("colo1"))'"))
        #expect(rc.contains("PS1='[alice colo1] \\w\\$ '"))
    }

    @Test func containerShellIsDockerExecWithTheSocketVariable() throws {
        let lab = try Self.lab(.compose)
        let node = try lab.node("up1")
        let argv = LabShell.command(lab, node: node, container: "alice-up1-1", terminal: false)
        #expect(argv.prefix(3) == ["docker", "exec", "-i"])
        #expect(!argv.contains("-t"))
        #expect(argv.contains("MXGP_SOCKET=\(lab.plan.layout.adminSocket("up1"))"))
        #expect(argv.contains("alice-up1-1"))
        #expect(LabShell.command(lab, node: node, container: "c", terminal: true).prefix(4) == ["docker", "exec", "-i", "-t"])
    }

    @Test func logCommands() throws {
        let netns = try Self.lab(.netns)
        #expect(LabShell.logCommand(netns, node: "up1", container: nil, follow: false, lines: nil) == ["tail", "-n", "+1", "/run/mxgp/labs/alice/logs/up1.log"])
        #expect(LabShell.logCommand(netns, node: "up1", container: nil, follow: true, lines: 20) == ["tail", "-n", "20", "-F", "/run/mxgp/labs/alice/logs/up1.log"])
        let compose = try Self.lab(.compose)
        #expect(LabShell.logCommand(compose, node: "up1", container: "c1", follow: true, lines: 5) == ["docker", "logs", "--follow", "--tail", "5", "c1"])
        // A Postfix node's log is its maillog.
        var postfix = try LabPlanTests.topology("hierarchy-postfix.yaml")
        postfix.name = "alice"
        for kind in [LabBackendKind.netns, .compose] {
            var lab = try Self.lab(kind)
            lab.plan = try LabPlanner.plan(postfix, layout: LabController(directory: lab.directory, binary: "mxgp").layout(kind, lab: "alice"))
            let argv = LabShell.logCommand(lab, node: "up1", container: "c1", follow: true, lines: 5)
            #expect(argv == (kind == .netns ? [] : ["docker", "exec", "c1"]) + ["tail", "-n", "5", "-F", lab.plan.layout.storePath("up1") + "/maillog"])
        }
    }
}
