import MXGPCore
import Testing
@testable import MXGPTopology

/// One broken topology and the error it must produce.
struct ErrorCase: CustomTestStringConvertible, Sendable {
    var label: String
    var yaml: String
    var kind: ConfigFileError.Kind
    var fragment: String
    var line: Int
    var fixFragment: String = ""
    var testDescription: String { label }
}

/// Three nodes (lines 3–5) then `links:` on line 6; `extraNodes` go after line 5.
func topology(nodes extraNodes: [String] = [], links: [String] = ["{ a: up1, b: t1a }", "{ a: colo1, b: up1, price: 3 }"]) -> String {
    var lines = [
        "name: t",
        "nodes:",
        "  t1a: { role: tier1, operator: 1, region: US }",
        "  up1: { role: upstream, operator: 100, region: US }",
        "  colo1: { role: colo, operator: 64501, region: US, domains: [a.example] }",
    ]
    lines += extraNodes.map { "  " + $0 }
    lines.append("links:")
    lines += links.map { "  - " + $0 }
    return lines.joined(separator: "\n") + "\n"
}

let up2 = "up2: { role: upstream, operator: 200, region: DE }"
let up3 = "up3: { role: upstream, operator: 300, region: DE }"

let errorCases: [ErrorCase] = [
    // Contracts by country (issue 12): links are on lines 7 and 8.
    ErrorCase(label: "bad country in covers", yaml: topology(links: ["{ a: up1, b: t1a }", "{ a: colo1, b: up1, covers: [DE, Germany] }"]),
              kind: .badRegion, fragment: "\"Germany\" in the covers of link 2 (colo1–up1) is not an ISO 3166 alpha-2 country code", line: 8,
              fixFragment: "two letters"),
    ErrorCase(label: "covers no country", yaml: topology(links: ["{ a: up1, b: t1a }", "{ a: colo1, b: up1, covers: [] }"]),
              kind: .badContract, fragment: "covers no country", line: 8, fixFragment: "leave covers out"),
    ErrorCase(label: "bad country price key", yaml: topology(links: ["{ a: up1, b: t1a }", "{ a: colo1, b: up1, price: { de: 2, \"*\": 5 } }"]),
              kind: .badContract, fragment: "price key \"de\" in link 2 (colo1–up1) is not a country code", line: 8, fixFragment: "upper-case"),
    ErrorCase(label: "bad country price", yaml: topology(links: ["{ a: up1, b: t1a }", "{ a: colo1, b: up1, price: { DE: two } }"]),
              kind: .badPrice, fragment: "the price of DE in link 2 (colo1–up1) is \"two\"", line: 8),
    ErrorCase(label: "priced but not covered", yaml: topology(links: ["{ a: up1, b: t1a }", "{ a: colo1, b: up1, covers: [FR], price: { DE: 2 } }"]),
              kind: .badContract, fragment: "prices DE but does not cover it", line: 8, fixFragment: "add DE to covers"),
    ErrorCase(label: "country contract on a peer link",
              yaml: topology(nodes: [up2], links: ["{ a: up1, b: t1a }", "{ a: colo1, b: up1, price: 3 }", "{ a: up2, b: t1a }", "{ a: up1, b: up2, relationship: peer, covers: [DE] }"]),
              kind: .priceOnPeerLink, fragment: "is a peer link but has a contract by country", line: 11),
    ErrorCase(label: "bad refused destination", yaml: topology(nodes: ["up2: { role: upstream, operator: 200, region: DE, refuse-destinations: [Russia] }"]),
              kind: .badRegion, fragment: "\"Russia\" in the refuse-destinations of node \"up2\"", line: 6),
    ErrorCase(label: "bad expected complaint rate", yaml: topology(nodes: ["up2: { role: upstream, operator: 200, region: DE, expected-complaint-rate: 3 }"]),
              kind: .badContract, fragment: "the expected-complaint-rate of node \"up2\" is \"3\"", line: 6, fixFragment: "between 0 and 1"),
    ErrorCase(label: "broken YAML", yaml: "name: t\nnodes:\n  a: { role: colo\nlinks: []\n", kind: .yamlSyntax,
              fragment: "broken YAML", line: 4),
    ErrorCase(label: "duplicate node", yaml: topology(nodes: ["up1: { role: upstream, operator: 200, region: US }"]),
              kind: .yamlSyntax, fragment: "duplicate key \"up1\"", line: 4),
    ErrorCase(label: "lab timer not a duration", yaml: validBase + "timers: { slow-next-hop: slow }\n", kind: .badTimer,
              fragment: "timers.slow-next-hop is \"slow\"", line: 9, fixFragment: "use off or a delivery latency"),
    ErrorCase(label: "lab timer key typo", yaml: validBase + "timers: { slow-next-hops: off }\n", kind: .unknownKey,
              fragment: "unknown key \"slow-next-hops\" in timers", line: 9, fixFragment: "did you mean \"slow-next-hop\"?"),
    ErrorCase(label: "lab timer retry too short", yaml: validBase + "timers:\n  slow-next-hop-retry: 10ms\n", kind: .badTimer,
              fragment: "timers.slow-next-hop-retry is \"10ms\"", line: 10, fixFragment: "from 100ms to 24h"),
    ErrorCase(label: "top-level typo", yaml: validBase + "link: []\n", kind: .unknownKey, fragment: "unknown key \"link\"",
              line: 9, fixFragment: "did you mean \"links\"?"),
    ErrorCase(label: "node key typo", yaml: topology(nodes: ["up2: { rol: upstream, role: upstream, operator: 200, region: DE }"]),
              kind: .unknownKey, fragment: "unknown key \"rol\" in node \"up2\"", line: 6, fixFragment: "did you mean \"role\"?"),
    ErrorCase(label: "unrelated key", yaml: topology(nodes: ["up2: { colour: red, role: upstream, operator: 200, region: DE }"]),
              kind: .unknownKey, fragment: "unknown key \"colour\"", line: 6, fixFragment: "remove it (valid keys: role, operator"),
    ErrorCase(label: "missing region", yaml: topology(nodes: ["up2: { role: upstream, operator: 200 }"]),
              kind: .missingKey, fragment: "node \"up2\" has no \"region\"", line: 6, fixFragment: "add \"region: …\""),
    ErrorCase(label: "missing name", yaml: "nodes:\n  t1a: { role: tier1, operator: 1, region: US }\n",
              kind: .missingKey, fragment: "has no \"name\"", line: 1),
    ErrorCase(label: "missing link end", yaml: topology(links: ["{ a: up1, b: t1a }", "{ a: colo1, price: 3 }"]),
              kind: .missingKey, fragment: "link 2 has no \"b\"", line: 8),
    ErrorCase(label: "bad node name", yaml: topology(nodes: ["Up2: { role: upstream, operator: 200, region: DE }"]),
              kind: .badNodeName, fragment: "node name \"Up2\" is not valid", line: 6, fixFragment: "lower-case letter"),
    ErrorCase(label: "long node name", yaml: topology(nodes: ["a-very-long-node-name: { role: upstream, operator: 200, region: DE }"]),
              kind: .badNodeName, fragment: "a-very-long-node-name", line: 6),
    ErrorCase(label: "bad topology name", yaml: "name: My Lab\n" + topology().dropFirst(8), kind: .badTopologyName,
              fragment: "\"My Lab\"", line: 1),
    ErrorCase(label: "unknown role", yaml: topology(nodes: ["up2: { role: tier2, operator: 200, region: DE }"]),
              kind: .unknownRole, fragment: "unknown role \"tier2\"", line: 6, fixFragment: "did you mean \"tier1\"?"),
    ErrorCase(label: "duplicate operator", yaml: topology(nodes: ["up2: { role: upstream, operator: 100, region: DE }"]),
              kind: .duplicateOperator, fragment: "\"up1\" (line 4) and \"up2\" both have operator 100", line: 6),
    ErrorCase(label: "operator 0", yaml: topology(nodes: ["up2: { role: upstream, operator: 0, region: DE }"]),
              kind: .badOperator, fragment: "operator of node \"up2\" is \"0\"", line: 6, fixFragment: "between 1 and 4294967295"),
    ErrorCase(label: "operator too big", yaml: topology(nodes: ["up2: { role: upstream, operator: 4294967296, region: DE }"]),
              kind: .badOperator, fragment: "\"4294967296\"", line: 6),
    ErrorCase(label: "operator not a number", yaml: topology(nodes: ["up2: { role: upstream, operator: AS200, region: DE }"]),
              kind: .badOperator, fragment: "\"AS200\"", line: 6),
    ErrorCase(label: "bad region", yaml: topology(nodes: ["up2: { role: upstream, operator: 200, region: USA }"]),
              kind: .badRegion, fragment: "\"USA\" in the region of node \"up2\"", line: 6, fixFragment: "two letters"),
    ErrorCase(label: "bad refuse-region", yaml: topology(nodes: ["up2: { role: upstream, operator: 200, region: DE, refuse-regions: [RU, R1] }"]),
              kind: .badRegion, fragment: "\"R1\"", line: 6),
    ErrorCase(label: "bad domain", yaml: topology(nodes: ["c2: { role: colo, operator: 2, region: DE, domains: [ok.example, bad..example] }"],
                                                  links: ["{ a: up1, b: t1a }", "{ a: colo1, b: up1 }", "{ a: c2, b: up1 }"]),
              kind: .badDomain, fragment: "\"bad..example\"", line: 6),
    ErrorCase(label: "unknown node in link", yaml: topology(links: ["{ a: up1, b: t1a }", "{ a: colo1, b: upl }"]),
              kind: .unknownNode, fragment: "link 2 names unknown node \"upl\"", line: 8, fixFragment: "did you mean \"up1\"?"),
    ErrorCase(label: "self link", yaml: topology(links: ["{ a: up1, b: t1a }", "{ a: colo1, b: up1 }", "{ a: up1, b: up1 }"]),
              kind: .selfLink, fragment: "connects \"up1\" to itself", line: 9),
    ErrorCase(label: "duplicate link", yaml: topology(links: ["{ a: up1, b: t1a }", "{ a: colo1, b: up1 }", "{ a: t1a, b: up1 }"]),
              kind: .duplicateLink, fragment: "duplicates the link on line 7", line: 9),
    ErrorCase(label: "bad relationship", yaml: topology(links: ["{ a: up1, b: t1a, relationship: peering }", "{ a: colo1, b: up1 }"]),
              kind: .badRelationship, fragment: "relationship \"peering\"", line: 7),
    ErrorCase(label: "bad price", yaml: topology(links: ["{ a: up1, b: t1a }", "{ a: colo1, b: up1, price: -1 }"]),
              kind: .badPrice, fragment: "price of link 2 (colo1–up1) is \"-1\"", line: 8),
    ErrorCase(label: "price on peer link", yaml: topology(nodes: [up2, "t1b: { role: tier1, operator: 2, region: DE }"],
                                                         links: ["{ a: up1, b: t1a }", "{ a: colo1, b: up1 }", "{ a: up2, b: t1b }",
                                                                 "{ a: t1a, b: t1b, price: 2 }"]),
              kind: .priceOnPeerLink, fragment: "peer link but has price 2", line: 12, fixFragment: "remove the price"),
    ErrorCase(label: "tier1 with provider", yaml: topology(links: ["{ a: up1, b: t1a, relationship: provider }", "{ a: colo1, b: up1 }"]),
              kind: .tier1WithProvider, fragment: "tier1 \"t1a\" would buy transit from \"up1\"", line: 7),
    ErrorCase(label: "colo gives transit", yaml: topology(links: ["{ a: up1, b: t1a }", "{ a: colo1, b: up1 }", "{ a: colo1, b: t1a, relationship: provider }"]),
              kind: .coloGivesTransit, fragment: "colo \"colo1\" would give transit to \"t1a\"", line: 9, fixFragment: "colos never give transit"),
    ErrorCase(label: "colo without provider", yaml: topology(links: ["{ a: up1, b: t1a }"]),
              kind: .coloWithoutProvider, fragment: "colo \"colo1\" has no provider", line: 5, fixFragment: "{ a: colo1, b:"),
    ErrorCase(label: "same pair, relationship spelled both ways", yaml: topology(nodes: [up2, up3], links: [
        "{ a: up1, b: t1a }", "{ a: colo1, b: up1 }",
        "{ a: up2, b: up3, relationship: customer }", "{ a: up3, b: up2, relationship: provider }",
    ]), kind: .duplicateLink, fragment: "duplicates", line: 12),
    ErrorCase(label: "tier1 inside a provider cycle", yaml: topology(nodes: [up2, up3], links: [
        "{ a: up1, b: t1a }", "{ a: colo1, b: up1 }",
        "{ a: up2, b: up3, relationship: customer }", "{ a: up3, b: t1a }", "{ a: t1a, b: up2, relationship: customer }",
    ]), kind: .tier1WithProvider, fragment: "tier1 \"t1a\" would buy transit from \"up2\"", line: 13),
    ErrorCase(label: "upstream provider cycle", yaml: topology(nodes: [up2, up3], links: [
        "{ a: up1, b: t1a }", "{ a: colo1, b: up1 }",
        "{ a: up2, b: up3, relationship: customer }", "{ a: up3, b: up1, relationship: customer }", "{ a: up1, b: up2, relationship: customer }",
    ]), kind: .providerCycle, fragment: "provider cycle: up1 → up2 → up3 → up1", line: 12, fixFragment: "break the cycle"),
    ErrorCase(label: "delay over 60 s (a bare number is seconds)", yaml: topology(links: ["{ a: up1, b: t1a, impairment: { delay: 90 } }", "{ a: colo1, b: up1 }"]),
              kind: .badImpairment, fragment: "delay \"90\"", line: 7, fixFragment: "like 20ms or 1s"),
    ErrorCase(label: "loss over 100%", yaml: topology(links: ["{ a: up1, b: t1a, impairment: { loss: 150% } }", "{ a: colo1, b: up1 }"]),
              kind: .badImpairment, fragment: "loss \"150%\"", line: 7),
    ErrorCase(label: "bad rate unit", yaml: topology(links: ["{ a: up1, b: t1a, impairment: { rate: 10mb } }", "{ a: colo1, b: up1 }"]),
              kind: .badImpairment, fragment: "rate \"10mb\"", line: 7, fixFragment: "kbit, mbit or gbit"),
    ErrorCase(label: "jitter without delay", yaml: topology(links: ["{ a: up1, b: t1a, impairment: { jitter: 5ms } }", "{ a: colo1, b: up1 }"]),
              kind: .badImpairment, fragment: "jitter but no delay", line: 7),
    ErrorCase(label: "impairment key typo", yaml: topology(links: ["{ a: up1, b: t1a, impairment: { lost: 1% } }", "{ a: colo1, b: up1 }"]),
              kind: .unknownKey, fragment: "unknown key \"lost\"", line: 7, fixFragment: "did you mean \"loss\"?"),
    ErrorCase(label: "empty file", yaml: "", kind: .emptyTopology, fragment: "empty", line: 0),
    ErrorCase(label: "no nodes", yaml: "name: t\nnodes: {}\n", kind: .emptyTopology, fragment: "no nodes", line: 2),
    ErrorCase(label: "nodes as a list", yaml: "name: t\nnodes:\n  - t1a\n", kind: .wrongType, fragment: "\"nodes\" must be a mapping", line: 3),
    ErrorCase(label: "links as a mapping", yaml: topology(links: []) + "  x: 1\n", kind: .wrongType, fragment: "\"links\" must be a list", line: 7),
    ErrorCase(label: "policy match typo", yaml: topology(nodes: ["up2: { role: upstream, operator: 200, region: DE, policy: { import: [ { match: { neighbor: up1 }, action: reject } ] } }"]),
              kind: .unknownKey, fragment: "unknown key \"neighbor\"", line: 6, fixFragment: "did you mean \"neighbour\"?"),
    ErrorCase(label: "policy unknown neighbour", yaml: topology(nodes: ["up2: { role: upstream, operator: 200, region: DE, policy: { export: [ { match: { neighbour: up9 }, action: reject } ] } }"]),
              kind: .unknownNode, fragment: "policy names neighbour \"up9\"", line: 6),
    ErrorCase(label: "policy bad community", yaml: topology(nodes: ["up2: { role: upstream, operator: 200, region: DE, policy: { import: [ { match: { community: \"1:2\" }, action: reject } ] } }"]),
              kind: .badPolicyValue, fragment: "\"1:2\", not a community", line: 6),
]

@Suite("Topology errors")
struct TopologyErrorTests {
    @Test("each error kind is reported with its line and fix", arguments: errorCases)
    func errorCase(_ test: ErrorCase) throws {
        let errors = topologyErrors(test.yaml)
        let match = errors.first { $0.kind == test.kind && $0.message.contains(test.fragment) }
        #expect(match != nil, "expected \(test.kind) containing \(test.fragment); got:\n\(errors.map(\.description).joined(separator: "\n"))")
        guard let match else { return }
        #expect(match.line == test.line)
        #expect(match.file == "test.yaml")
        #expect(test.fixFragment.isEmpty || match.fix.contains(test.fixFragment), "fix was: \(match.fix)")
        #expect(!match.fix.isEmpty)
        #expect(match.description.hasPrefix(test.line > 0 ? "test.yaml:\(test.line): error: " : "test.yaml: error: "))
    }

    @Test("the valid base parses without warnings")
    func validBaseParses() throws {
        let result = try #require(parsed(validBase))
        #expect(result.warnings.isEmpty)
        #expect(result.topology.name == "base")
        #expect(result.topology.nodes.map(\.name) == ["t1a", "up1", "colo1"])
        #expect(result.topology.node(named: "colo1")?.line == 5)
        #expect(result.topology.links.map(\.line) == [7, 8])
    }

    @Test("all errors are collected, not only the first")
    func collectsErrors() {
        let yaml = topology(nodes: [
            "up2: { role: upstream, operator: 0, region: DE }",
            "up3: { role: upsteam, operator: 300, region: DEU }",
        ], links: ["{ a: up1, b: t1a }", "{ a: colo1, b: up1, prize: 3 }"])
        let kinds = topologyErrors(yaml).map(\.kind)
        #expect(kinds == [.badOperator, .unknownRole, .badRegion, .unknownKey])
    }

    @Test("a misspelt required key is reported once, as a typo")
    func misspeltRequiredKey() {
        let errors = topologyErrors(topology(nodes: ["up2: { rol: upstream, operator: 200, region: DE }"]))
        #expect(errors.map(\.kind) == [.unknownKey])
        #expect(errors.first?.fix.hasPrefix("did you mean \"role\"?") == true)
    }

    @Test("at most twenty errors are reported")
    func reportLimit() {
        let nodes = (1...30).map { "n\($0): { role: colo, operator: \($0 + 1000), region: XYZ }" }
        do {
            _ = try Topology.parse(yaml: topology(nodes: nodes), file: "test.yaml")
            Issue.record("expected errors")
        } catch {
            #expect(error.errors.count == ConfigFileErrors.reportLimit)
            #expect(error.omitted == 10)
            #expect(error.description.hasSuffix("… and 10 more errors"))
        }
    }

    @Test("a domain originated twice is a warning, not an error")
    func duplicateDomainWarning() throws {
        let yaml = topology(nodes: ["thief: { role: colo, operator: 666, region: RU, domains: [a.example] }"],
                            links: ["{ a: up1, b: t1a }", "{ a: colo1, b: up1 }", "{ a: thief, b: up1 }"])
        let result = try #require(parsed(yaml))
        let warning = try #require(result.warnings.first { $0.kind == .duplicateDomain })
        #expect(warning.severity == .warning)
        #expect(warning.line == 6)
        #expect(warning.message.contains("\"colo1\" (line 5) and \"thief\""))
        #expect(warning.description.hasPrefix("test.yaml:6: warning: "))
    }

    @Test("tier1s that do not peer get a warning")
    func tier1MeshWarning() throws {
        let yaml = topology(nodes: ["t1b: { role: tier1, operator: 2, region: DE }", up2],
                            links: ["{ a: up1, b: t1a }", "{ a: colo1, b: up1 }", "{ a: up2, b: t1b }"])
        let result = try #require(parsed(yaml))
        #expect(result.warnings.map(\.kind) == [.tier1NotMeshed])
        #expect(result.warnings.first?.line == 6)
    }

    @Test("load reports a missing file and names fixture files in errors")
    func loadFromFiles() throws {
        do {
            _ = try Topology.load(path: "/nonexistent/lab.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.errors.first?.kind == .unreadableFile)
            #expect(error.errors.first?.file == "/nonexistent/lab.yaml")
        }
        let path = fixturesDirectory.appendingPathComponent("broken-links.yaml").path
        do {
            _ = try Topology.load(path: path)
            Issue.record("expected an error")
        } catch {
            #expect(error.errors.map(\.kind) == [.unknownNode, .selfLink])
            #expect(error.errors.map(\.line) == [9, 10])
            #expect(error.errors.allSatisfy { $0.file == path })
        }
        let good = try Topology.load(path: fixturesDirectory.appendingPathComponent("policy-node.yaml").path)
        #expect(good.topology.nodes.count == 3)
    }
}
