import MXGPCore
import Testing
@testable import MXGPTopology

struct InferenceCase: Sendable, CustomTestStringConvertible {
    var a: NodeRole
    var b: NodeRole
    var explicit: Relationship?
    var aRole: Relationship
    var testDescription: String { "\(a)→\(b) \(explicit.map { "(\($0))" } ?? "") = \(aRole)" }
}

let inferenceCases: [InferenceCase] = [
    InferenceCase(a: .colo, b: .upstream, aRole: .customer),
    InferenceCase(a: .colo, b: .tier1, aRole: .customer),
    InferenceCase(a: .upstream, b: .tier1, aRole: .customer),
    InferenceCase(a: .upstream, b: .colo, aRole: .provider),
    InferenceCase(a: .tier1, b: .colo, aRole: .provider),
    InferenceCase(a: .tier1, b: .upstream, aRole: .provider),
    InferenceCase(a: .upstream, b: .upstream, aRole: .peer),
    InferenceCase(a: .tier1, b: .tier1, aRole: .peer),
    InferenceCase(a: .colo, b: .colo, aRole: .peer),
    InferenceCase(a: .upstream, b: .upstream, explicit: .customer, aRole: .customer),
    InferenceCase(a: .upstream, b: .upstream, explicit: .provider, aRole: .provider),
    InferenceCase(a: .upstream, b: .tier1, explicit: .peer, aRole: .peer),
    InferenceCase(a: .colo, b: .upstream, explicit: .peer, aRole: .peer),
]

@Suite("Relationships")
struct RelationshipTests {
    /// A topology where x (role a) and y (role b) are linked, each also having whatever provider it needs.
    static func yaml(_ test: InferenceCase) -> String {
        let relationship = test.explicit.map { ", relationship: \($0.rawValue)" } ?? ""
        return """
            name: r
            nodes:
              x: { role: \(test.a.rawValue), operator: 10, region: US }
              y: { role: \(test.b.rawValue), operator: 20, region: US }
              px: { role: tier1, operator: 1, region: US }
              py: { role: tier1, operator: 2, region: US }
            links:
              - { a: x, b: y\(relationship) }
              - { a: px, b: py }
            \(test.a == .tier1 ? "" : "  - { a: x, b: px, relationship: customer }")
            \(test.b == .tier1 ? "" : "  - { a: y, b: py, relationship: customer }")

            """
    }

    @Test("link relationships are inferred from roles unless given", arguments: inferenceCases)
    func inference(_ test: InferenceCase) throws {
        let topology = try #require(parsed(Self.yaml(test))).topology
        #expect(topology.links[0].aRole == test.aRole)
        #expect(topology.neighbours(of: "x").first { $0.node.name == "y" }?.relationship == test.aRole.complement)
        #expect(topology.neighbours(of: "y").first { $0.node.name == "x" }?.relationship == test.aRole)
    }

    @Test("neighbours(of:) lists neighbours in link order with what each is to the node")
    func neighbours() throws {
        let yaml = topology(nodes: [up2, "t1b: { role: tier1, operator: 2, region: DE }"], links: [
            "{ a: up1, b: t1a, price: 1 }", "{ a: colo1, b: up1, price: 3 }", "{ a: up2, b: t1b }", "{ a: t1a, b: t1b }",
            "{ a: colo1, b: up2, price: 5 }", "{ a: up1, b: up2 }",
        ])
        let topology = try #require(parsed(yaml)).topology
        let up1 = topology.neighbours(of: "up1")
        #expect(up1.map(\.node.name) == ["t1a", "colo1", "up2"])
        #expect(up1.map(\.relationship) == [.provider, .customer, .peer])
        #expect(up1.map(\.price) == [1, 3, 0])
        #expect(topology.neighbours(of: "colo1").map(\.relationship) == [.provider, .provider])
        #expect(topology.neighbours(of: "colo1").map(\.price) == [3, 5])
        #expect(topology.neighbours(of: "t1a").map(\.node.name) == ["up1", "t1b"])
        #expect(topology.neighbours(of: "nobody").isEmpty)
    }

    @Test("diagnostics checks topologies built in code")
    func diagnosticsInCode() {
        let topology = Topology(name: "code", nodes: [
            TopologyNode(name: "a", role: .colo, operatorNumber: 1, region: Region("US")!),
            TopologyNode(name: "b", role: .colo, operatorNumber: 1, region: Region("US")!),
        ], links: [TopologyLink(a: "a", b: "c", aRole: .customer)])
        let kinds = Set(topology.diagnostics().map(\.kind))
        #expect(kinds == [.duplicateOperator, .unknownNode, .coloWithoutProvider])
    }
}

@Suite("Impairment values")
struct ImpairmentTests {
    @Test("durations", arguments: [("20ms", 20), ("1s", 1000), ("1.5s", 1500), ("0ms", 0), ("60s", 60000), ("1m", 60000), ("20", 20000)])
    func durations(_ text: String, _ ms: Int) { #expect(LinkImpairment.milliseconds(from: text) == ms) }

    @Test("bad durations", arguments: ["ms", "-5ms", "61s", "2m", "1h", "1.5ms", "20 sec", ".5s", "61"])
    func badDurations(_ text: String) { #expect(LinkImpairment.milliseconds(from: text) == nil) }

    @Test("rates", arguments: [("512kbit", 512), ("10mbit", 10000), ("1gbit", 1_000_000), ("1.5mbit", 1500)])
    func rates(_ text: String, _ kbit: Int) { #expect(LinkImpairment.kilobits(from: text) == kbit) }

    @Test("bad rates", arguments: ["10", "10mb", "0kbit", "10 mbps"])
    func badRates(_ text: String) { #expect(LinkImpairment.kilobits(from: text) == nil) }

    @Test("losses", arguments: [("1%", 1.0), ("0.5%", 0.5), ("100%", 100.0), ("0%", 0.0)])
    func losses(_ text: String, _ percent: Double) { #expect(LinkImpairment.percent(from: text) == percent) }

    @Test("bad losses", arguments: ["1", "101%", "-1%", "x%"])
    func badLosses(_ text: String) { #expect(LinkImpairment.percent(from: text) == nil) }

    @Test("impairments reach the link")
    func onLink() throws {
        let yaml = topology(links: ["{ a: up1, b: t1a, impairment: { delay: 20ms, jitter: 5ms, loss: 1%, rate: 10mbit } }", "{ a: colo1, b: up1 }"])
        let link = try #require(parsed(yaml)?.topology.links.first)
        #expect(link.impairment == LinkImpairment(delayMilliseconds: 20, jitterMilliseconds: 5, lossPercent: 1, rateKbit: 10000))
        #expect(link.impairment?.yamlFields == ["delay: 20ms", "jitter: 5ms", "loss: 1%", "rate: 10mbit"])
        #expect(LinkImpairment.rateText(kbit: 1500) == "1500kbit" && LinkImpairment.rateText(kbit: 2_000_000) == "2gbit")
    }
}
