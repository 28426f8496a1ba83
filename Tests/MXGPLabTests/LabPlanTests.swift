import Foundation
import MXGPTopology
import Testing
@testable import MXGPLab

@Suite struct LabPlanTests {
    static func topology(_ file: String) throws -> Topology {
        try Topology.load(path: Golden.repository.appendingPathComponent("Labs/\(file)").path).topology
    }

    static func quickstart() throws -> LabPlan {
        try LabPlanner.plan(topology("quickstart.yaml"), layout: .rooted(at: "/run/mxgp/labs/quickstart"))
    }

    @Test func netnsCommandsOfQuickstartMatchGolden() throws {
        let text = NetnsCommands.setup(try Self.quickstart()).map { $0.joined(separator: " ") }.joined(separator: "\n") + "\n"
        try Golden.check(text, "quickstart.netns.txt")
    }

    @Test func nodeConfigsOfQuickstartMatchGolden() throws {
        let plan = try Self.quickstart()
        for node in ["colo1", "up1", "t1a"] {
            try Golden.check(plan.node(node)!.config.yamlText, "quickstart-\(node).yaml")
            // What the lab writes, the node reads back unchanged.
            #expect(try NodeConfig.parse(yaml: plan.node(node)!.config.yamlText) == plan.node(node)!.config)
        }
    }

    @Test func linkContractsAreCarriedIntoBothNodeConfigs() throws {
        let plan = try LabPlanner.plan(Self.topology("chargeback.yaml"), layout: .rooted(at: "/run/mxgp/labs/chargeback"))
        let up1 = plan.node("up1")!.config.neighbours.first { $0.name == "spammer" }!
        let spammer = plan.node("spammer")!.config.neighbours.first { $0.name == "up1" }!
        #expect(up1.contract == NodeConfig.Contract(price: 2, chargeback: 50))
        #expect(spammer.contract == up1.contract)
        let limited = try Topology.parse(yaml: """
            name: limited
            nodes:
              up: { role: upstream, operator: 100, region: US }
              c: { role: colo, operator: 64500, region: US, domains: [c.example] }
            links:
              - { a: c, b: up, rate-limit: 30, max-size: 2048 }
            """).topology
        let config = try LabPlanner.plan(limited, layout: .rooted(at: "/tmp/x")).node("up")!.config.neighbours[0]
        #expect(config.contract.rateLimit == 30 && config.contract.maxSize == 2048)
        #expect(throws: ConfigFileErrors.self) {
            try Topology.parse(yaml: "name: z\nnodes:\n  up: { role: upstream, operator: 100, region: US }\n  c: { role: colo, operator: 64500, region: US }\nlinks:\n  - { a: c, b: up, max-size: 0 }\n")
        }
    }

    @Test func everyFaultsCommandsMatchGolden() throws {
        let plan = try Self.quickstart()
        let names: FaultCommands.InterfaceNames = { plan.node($0)?.interface(toward: $1)?.name }
        let faults: [LabFault] = [
            .cut(a: "colo1", b: "up1", from: nil), .cut(a: "colo1", b: "up1", from: "up1"), .down(a: "colo1", b: "up1"),
            .loss(a: "colo1", b: "up1", percent: 30), .rate(a: "colo1", b: "up1", kbit: 512),
            .delay(a: "colo1", b: "up1", milliseconds: 100, jitter: 20), .partition(nodes: ["t1a", "up1"]),
        ]
        var text = ""
        for netem in [true, false] {
            for fault in faults {
                text += "# \(fault.description) (netem: \(netem))\n"
                do {
                    text += try FaultCommands.apply(fault, plan: plan, names: names, netem: netem).map { "\($0)\n" }.joined()
                } catch {
                    text += "error: \(error.description)\n"
                }
            }
        }
        text += "# heal colo1\n" + FaultCommands.heal(plan.node("colo1")!, names: names).map { $0.argv.joined(separator: " ") + "\n" }.joined()
        try Golden.check(text, "quickstart-faults.txt")
    }

    /// The 50-node lab: every address distinct, every interface name fits the kernel's 15 bytes.
    @Test func largeLabAddressesAreDistinct() throws {
        let plan = try LabPlanner.plan(Self.topology("large-50.yaml"), layout: .rooted(at: "/tmp/x"))
        let addresses = plan.nodes.flatMap { $0.interfaces.map(\.address) } + plan.nodes.map(\.serviceAddress)
        #expect(Set(addresses).count == addresses.count)
        for name in plan.nodes.flatMap({ $0.interfaces.map(\.name) }) { #expect(name.utf8.count <= 15, "\(name)") }
        for node in plan.nodes { #expect(Set(node.interfaces.map(\.name)).count == node.interfaces.count) }
    }

    @Test(arguments: [
        ("quickstart", true), ("a", true), ("lab-2", true), ("9lives", true),
        ("", false), ("-x", false), ("Upper", false), ("under_score", false), ("this-name-is-far-too-long-for-a-lab", false),
    ])
    func labNames(name: String, valid: Bool) {
        #expect(((try? LabPlanner.validateLabName(name)) != nil) == valid)
    }

    @Test func addressingIsTheDocumentedOne() {
        #expect(LabAddressing.linkSubnet(0) == "10.77.0.0/29")
        #expect(LabAddressing.linkAddress(0, isA: true) == "10.77.0.2")
        #expect(LabAddressing.linkAddress(33, isA: false) == "10.77.1.11")
        #expect(LabAddressing.serviceAddress(0) == "10.78.0.1")
        #expect(LabAddressing.serviceAddress(250) == "10.78.1.1")
    }

    @Test func expectedPathsFollowTheSimulation() throws {
        let plan = try Self.quickstart()
        let healthy = ExpectedRoutes(topology: plan.topology, impact: FaultImpact(faults: [], plan: plan))
        #expect(healthy.path(from: "colo1", to: "bob.example") == ["colo1", "up1", "colo2"])
        let cut = ExpectedRoutes(topology: plan.topology, impact: FaultImpact(faults: [.cut(a: "colo1", b: "up1", from: nil)], plan: plan))
        #expect(cut.path(from: "colo1", to: "bob.example") == ["colo1", "up2", "t1b", "t1a", "up1", "colo2"])
        let isolated = ExpectedRoutes(topology: plan.topology, impact: FaultImpact(faults: [.partition(nodes: ["colo2"])], plan: plan))
        #expect(isolated.path(from: "colo1", to: "bob.example") == nil)
        let killed = FaultImpact(faults: [.kill(node: "up1"), .loss(a: "colo1", b: "up2", percent: 10)], plan: plan)
        #expect(killed.failedNodes == ["up1"] && killed.failedLinks.isEmpty)
    }
}

@Suite struct LabGraphTests {
    static let faults: [LabFault] = [.cut(a: "colo1", b: "up1", from: nil), .kill(node: "up2"), .loss(a: "colo3", b: "up2", percent: 20)]

    @Test func dotMatchesGolden() throws {
        let topology = try LabPlanTests.topology("quickstart.yaml")
        try Golden.check(LabGraph.dot(topology), "quickstart.dot")
        try Golden.check(LabGraph.dot(topology, faults: Self.faults), "quickstart-faults.dot")
    }

    @Test func mermaidMatchesGolden() throws {
        let topology = try LabPlanTests.topology("quickstart.yaml")
        try Golden.check(LabGraph.mermaid(topology, faults: Self.faults), "quickstart-faults.mmd")
    }
}
