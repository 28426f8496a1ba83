import Foundation
import MXGPTestSupport
import MXGPTopology
import Testing
@testable import MXGPLab

#if canImport(Glibc)
import Glibc
#endif

/// Postfix lab nodes without root: the static tables, the rendered files (golden), reading a
/// Maildir, and the comparison's path judgement.
@Suite struct PostfixLabTests {
    static func plan(_ file: String) throws -> LabPlan {
        try LabPlanner.plan(LabPlanTests.topology(file), layout: .rooted(at: "/run/mxgp/labs/\(file.replacingOccurrences(of: ".yaml", with: ""))"))
    }

    /// One row per node: providers (relayhost first) and table entries (preferred next hop first).
    @Test(arguments: [
        ("colo1", ["up1", "up3"], [String: [String]]()),
        ("colo2", ["up2"], [:]),
        ("up1", ["t1a"], ["alice.example": ["colo1"]]),
        ("up3", ["t1a", "t1b"], ["alice.example": ["colo1"]]),
        ("t1a", [], ["alice.example": ["up1", "up3", "t1b"], "bob.example": ["t1b"]]),  // t1b: a peer reaching alice through up3
        ("t1b", [], ["alice.example": ["up3", "t1a"], "bob.example": ["up2"]]),
    ])
    func hierarchicalTables(node: String, providers: [String], table: [String: [String]]) throws {
        let routes = PostfixRoutes.compute(node, in: try LabPlanTests.topology("hierarchy-postfix.yaml"))
        #expect(routes.providers == providers)
        #expect(Dictionary(uniqueKeysWithValues: routes.table.map { ($0.domain, $0.hops) }) == table)
    }

    @Test func peersAreUsedBelowTier1OnlyWithStaticRouting() throws {
        var topology = try LabPlanTests.topology("mesh-postfix.yaml")
        #expect(PostfixRoutes.compute("up1", in: topology).table.map(\.domain) == ["alice.example"])
        topology.postfix.routing = .static
        let up1 = PostfixRoutes.compute("up1", in: topology)
        #expect(up1.table.map(\.domain) == ["alice.example", "bob.example"] && up1.table.last?.hops == ["up2"])
        topology.postfix.backupRelays = false
        #expect(PostfixRoutes.compute("colo1", in: topology).providers == ["up1"])
    }

    @Test func renderedFilesMatchGolden() throws {
        let plan = try Self.plan("hierarchy-postfix.yaml")
        for node in ["colo1", "up3", "t1a"] {
            let config = PostfixConfig.render(plan, node: node)
            try Golden.check("=== main.cf\n\(config.mainCF)=== master.cf\n\(config.masterCF)=== transport\n\(config.transport)", "hierarchy-postfix-\(node).postfix.txt")
        }
        var timed = try LabPlanTests.topology("hierarchy-postfix.yaml")
        timed.postfix = PostfixSettings(queueRunDelay: 10, minimalBackoffTime: 10, maximalBackoffTime: 20, smtpConnectTimeout: 5)
        let main = PostfixConfig.render(try LabPlanner.plan(timed, layout: .rooted(at: "/x")), node: "colo1").mainCF
        for line in ["queue_run_delay = 10s", "minimal_backoff_time = 10s", "maximal_backoff_time = 20s", "smtp_connect_timeout = 5s"] {
            #expect(main.contains(line + "\n"))
        }
    }

    @Test func maildirMessagesAreReadWithTheirHops() throws {
        let folder = NSTemporaryDirectory() + "mxgp-postfixbox-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/mail/inbox/new", withIntermediateDirectories: true)
        let message = """
            Return-Path: <scenario@alice.example>\r
            Delivered-To: bob@bob.example\r
            Received: from up2.lab.invalid (unknown [10.77.0.58])\r
            \tby colo2.lab.invalid (Postfix) with ESMTP id 1\r
            \tfor <bob@bob.example>; Wed,  2 Dec 2026 15:46:18 +0000 (UTC)\r
            Received: from t1b.lab.invalid (unknown [10.77.0.18])\r
            \tby up2.lab.invalid (Postfix) with ESMTP id 2; Wed,  2 Dec 2026 15:46:18 +0000 (UTC)\r
            Received: from mxgp-send.invalid (unknown [127.0.0.1]) by colo1.lab.invalid (Postfix) with ESMTP id 3\r
            Received: from elsewhere by mx.example.net (Postfix) with ESMTP id 4\r
            Subject: hello 1/1\r
            Message-ID: <m1@alice.example>\r
            \r
            body\r

            """
        try message.write(toFile: folder + "/mail/inbox/new/1.x", atomically: true, encoding: .utf8)
        try message.replacingOccurrences(of: "Delivered-To: bob@", with: "Delivered-To: carol@").write(toFile: folder + "/mail/inbox/new/2.x", atomically: true, encoding: .utf8)
        let box = PostfixMailbox.messages(directory: folder, address: "Bob@bob.example")
        #expect(box.count == 1)
        #expect(box.first?.hops == ["colo1", "up2", "colo2"])
        #expect(box.first?.messageId == "<m1@alice.example>" && box.first?.from == "scenario@alice.example" && box.first?.subject == "hello 1/1")
        #expect(box.first.flatMap { MessageDelay.date($0.receivedAt) } != nil)
        #expect(PostfixMailbox.queued(directory: folder) == 0)
    }

    @Test func staticForwardingJudgesPaths() throws {
        let topology = try LabPlanTests.topology("mesh-postfix.yaml")
        // The hierarchy's way, the backup upstream's way, and the new peering.
        #expect(StaticForwarding.allows(["colo1", "up1", "t1a", "t1b", "up3", "colo2"], domain: "bob.example", in: topology, primaryOnly: true))
        #expect(StaticForwarding.allows(["colo1", "up3", "colo2"], domain: "bob.example", in: topology))
        #expect(!StaticForwarding.allows(["colo1", "up3", "colo2"], domain: "bob.example", in: topology, primaryOnly: true))
        #expect(!StaticForwarding.allows(["colo1", "up1", "up2", "colo2"], domain: "bob.example", in: topology))
        #expect(MessageDelay.percentile([3, 1, 2, 10], 50) == 2 && MessageDelay.percentile([3, 1, 2, 10], 99) == 10 && MessageDelay.percentile([], 50) == nil)
    }

    @Test func comparisonTableMatchesGolden() throws {
        let postfix = ComparisonSide(topology: "Labs/hierarchy-postfix.yaml", lab: "h-1", mta: "postfix", accepted: 40, delivered: 40, lost: 0,
                                     duplicated: 0, queuedAtEnd: 0, delayMedian: 15.5, delayP99: 30.4, delayMax: 30.4, hopsMedian: 6,
                                     offStaticPaths: 0, offPrimaryPaths: 3, passed: true, runFolder: "runs/x/side-1")
        let mxgp = ComparisonSide(topology: "Labs/hierarchy-mxgp.yaml", lab: "h-2", mta: "mxgp", accepted: 40, delivered: 39, lost: 1,
                                  duplicated: 0, queuedAtEnd: nil, delayMedian: 0.1, delayP99: nil, delayMax: nil, hopsMedian: nil,
                                  offStaticPaths: 0, offPrimaryPaths: 28, passed: false, runFolder: "runs/x/side-2")
        let comparison = ScenarioComparison(scenario: "cmp-fiber-cut", description: "a cut", sides: [postfix, mxgp], folder: "runs/cmp-fiber-cut/T-compare")
        try Golden.check(comparison.text + "\n", "compare-fiber-cut.txt")
    }
}
