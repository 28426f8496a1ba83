import Foundation
import MXGPSim
import MXGPTopology
import Testing
@testable import MXGPLab

/// Pictures that teach: a legend, cut links as broken lines, units as written, paths drawn.
@Suite struct LabGraphTeachingTests {
    static func quickstartPaths(_ domain: String) throws -> (Topology, LabGraph.Paths) {
        let topology = try LabPlanTests.topology("quickstart.yaml")
        let result = Simulation(topology: topology).run()
        let routes = Dictionary(uniqueKeysWithValues: result.nodes.map { node in
            (node.name, Dictionary(uniqueKeysWithValues: node.routes.map { ($0.domain.text, RouteKey(nextHop: $0.nextHop, path: $0.path)) }))
        })
        return (topology, LabGraph.Paths(domain: domain, topology: topology, routes: routes))
    }

    @Test func pathsFollowTheNextHops() throws {
        let (_, paths) = try Self.quickstartPaths("bob.example")
        #expect(paths.paths["colo1"] == .some(["colo1", "up1", "colo2"]))
        #expect(paths.paths["colo3"] == .some(["colo3", "up2", "t1b", "t1a", "up1", "colo2"]))
        #expect(paths.paths["colo2"] == nil, "the origin draws no path to itself")
        // A node without a route: no path.
        let none = LabGraph.Paths(domain: "bob.example", topology: try LabPlanTests.topology("quickstart.yaml"), routes: [:])
        #expect(none.paths["colo1"] == .some(nil))
    }

    @Test func pictureWithPathsMatchesGolden() throws {
        let (topology, paths) = try Self.quickstartPaths("bob.example")
        try Golden.check(LabGraph.dot(topology, paths: paths), "quickstart-paths-bob.dot")
        try Golden.check(LabGraph.mermaid(topology, paths: paths), "quickstart-paths-bob.mmd")
    }

    @Test func aCutLinkIsABrokenLineAndRatesKeepTheirUnit() throws {
        let topology = try LabPlanTests.topology("quickstart.yaml")
        let dot = LabGraph.dot(topology, faults: [.cut(a: "colo1", b: "up1", from: nil), .rate(a: "colo3", b: "up2", kbit: 10000)])
        let cut = try #require(dot.split(separator: "\n").first { $0.contains("\"colo1\" -> \"up1\"") })
        #expect(cut.contains("style=dashed") && cut.contains("color=\"red\""))
        #expect(dot.contains("rate 10mbit") && !dot.contains("10000kbit"))
        #expect(dot.contains("Legend\\l"))
        #expect(dot.contains("operator number (an AS-like identifier, not a count)"))
        let mermaid = LabGraph.mermaid(topology, faults: [.cut(a: "colo1", b: "up1", from: nil)])
        #expect(mermaid.contains("colo1 -.->|price 3, cut| up1"))
    }

    @Test func chargebackAmountsAreDrawn() throws {
        let topology = try LabPlanTests.topology("chargeback.yaml")
        #expect(LabGraph.dot(topology).contains("chargeback 50"))
    }
}

/// Run folders draw the outcome: where each send's mail went.
@Suite struct RunOutcomePictureTests {
    @Test func theHijackedMailIsDrawnGoingToTheHijacker() async throws {
        let report = try await ScenarioRoomTests.simRunner("hijack-unprotected.yaml", pacing: ScenarioPacing()).run()
        let outcome = LabGraph.Paths(outcomeOf: report)
        #expect(outcome.paths == ["mail → ana@bank.example (5)": .some(["sender", "up1", "evil"])])
        let (_, topology) = try ScenarioParser.load(path: "\(ScenarioParserTests.folder)/hijack-unprotected.yaml")
        let dot = LabGraph.dot(topology, paths: outcome)
        #expect(dot.contains("\"up1\" -> \"evil\" [color=\"#1d4ed8\", fontcolor=\"#1d4ed8\", penwidth=3, constraint=false, label=\"mail → ana@bank.example (5)\"]"))
        #expect(dot.contains("where each send's mail went"))
    }
}
