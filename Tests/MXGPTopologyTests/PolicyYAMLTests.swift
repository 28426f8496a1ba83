import Foundation
import MXGPCore
import Testing
@testable import MXGPTopology

/// Parses a policy, returning its errors (empty when it parses).
func policyErrors(_ yaml: String) -> [ConfigFileError] {
    do {
        _ = try Policy.parse(yaml: yaml, file: "p.yaml")
        return []
    } catch {
        return error.errors
    }
}

struct PolicyErrorCase: CustomTestStringConvertible, Sendable {
    var label: String
    var yaml: String
    var kind: ConfigFileError.Kind
    var fragment: String
    var line: Int
    var fixFragment: String = ""
    var testDescription: String { label }
}

let policyErrorCases: [PolicyErrorCase] = [
    PolicyErrorCase(label: "default not last", yaml: "- default: reject\n- action: accept\n", kind: .badPolicy,
                    fragment: "rule 1 of the policy is a default but is not the last rule", line: 1, fixFragment: "move"),
    PolicyErrorCase(label: "default continue", yaml: "- default: continue\n", kind: .badPolicy, fragment: "\"continue\" is not accept or reject", line: 1),
    PolicyErrorCase(label: "default with other keys", yaml: "- { default: accept, action: reject }\n", kind: .unknownKey,
                    fragment: "unknown key \"action\"", line: 1),
    PolicyErrorCase(label: "action typo", yaml: "- match: { domain: x.example }\n  action: rejct\n", kind: .badPolicy,
                    fragment: "the action \"rejct\"", line: 2, fixFragment: "did you mean \"reject\"?"),
    PolicyErrorCase(label: "rule without action or set", yaml: "- match: { domain: x.example }\n", kind: .badPolicy,
                    fragment: "neither \"action\" nor \"set\"", line: 1),
    PolicyErrorCase(label: "rule key typo", yaml: "- match: { domain: x.example }\n  actions: reject\n", kind: .unknownKey,
                    fragment: "unknown key \"actions\" in rule 1 of the policy", line: 2, fixFragment: "did you mean \"action\"?"),
    PolicyErrorCase(label: "set key typo", yaml: "- set: { localpref: 10 }\n", kind: .unknownKey, fragment: "\"localpref\"", line: 1,
                    fixFragment: "did you mean \"local-pref\"?"),
    PolicyErrorCase(label: "prepend zero", yaml: "- set: { prepend: 0 }\n", kind: .badPolicyValue, fragment: "prepend", line: 1, fixFragment: "between 1 and 16"),
    PolicyErrorCase(label: "prepend too many", yaml: "- set: { prepend: 17 }\n", kind: .badPolicyValue, fragment: "\"17\"", line: 1),
    PolicyErrorCase(label: "negative local-pref", yaml: "- set: { local-pref: -5 }\n", kind: .badPolicyValue, fragment: "local-pref", line: 1),
    PolicyErrorCase(label: "bad price", yaml: "\n- set: { price: cheap }\n", kind: .badPrice, fragment: "\"cheap\"", line: 2),
    PolicyErrorCase(label: "bad add-community", yaml: "- set: { add-community: [\"1:2:3\", \"1:2:x\"] }\n", kind: .badPolicyValue,
                    fragment: "\"1:2:x\", not a community", line: 1),
    PolicyErrorCase(label: "bad relationship", yaml: "- match: { relationship: friend }\n  action: accept\n", kind: .badRelationship,
                    fragment: "\"friend\"", line: 1),
    PolicyErrorCase(label: "bad origin-region", yaml: "- match: { origin-region: Russia }\n  action: reject\n", kind: .badRegion,
                    fragment: "\"Russia\"", line: 1),
    PolicyErrorCase(label: "bad domain", yaml: "- match: { domain: -bad.example }\n  action: reject\n", kind: .badDomain,
                    fragment: "\"-bad.example\"", line: 1),
    PolicyErrorCase(label: "bad neighbour", yaml: "- match: { neighbour: Up1 }\n  action: reject\n", kind: .badNodeName,
                    fragment: "\"Up1\"", line: 1),
    PolicyErrorCase(label: "path-contains zero", yaml: "- match: { path-contains: 0 }\n  action: reject\n", kind: .badOperator,
                    fragment: "path-contains", line: 1),
    PolicyErrorCase(label: "rule is not a mapping", yaml: "- reject\n", kind: .wrongType, fragment: "rule 1 of the policy must be a mapping", line: 1),
    PolicyErrorCase(label: "policy is not a list", yaml: "default: accept\n", kind: .wrongType, fragment: "must be a list", line: 1),
    PolicyErrorCase(label: "match is a list", yaml: "- match: [x.example]\n  action: reject\n", kind: .wrongType,
                    fragment: "the match of rule 1 of the policy must be a mapping", line: 1),
]

@Suite("Policy YAML")
struct PolicyYAMLTests {
    @Test("each policy error is reported with its line", arguments: policyErrorCases)
    func errorCase(_ test: PolicyErrorCase) {
        let errors = policyErrors(test.yaml)
        let match = errors.first { $0.kind == test.kind && $0.message.contains(test.fragment) }
        #expect(match != nil, "expected \(test.kind) containing \(test.fragment); got:\n\(errors.map(\.description).joined(separator: "\n"))")
        #expect(match?.line == test.line)
        #expect(test.fixFragment.isEmpty || match?.fix.contains(test.fixFragment) == true, "fix was: \(match?.fix ?? "-")")
    }

    @Test("the fixture policy parses into the model with normalised action order")
    func parsesFixture() throws {
        let text = try String(contentsOf: fixturesDirectory.appendingPathComponent("policy.yaml"), encoding: .utf8)
        let policy = try Policy.parse(yaml: text, file: "policy.yaml")
        let expected = Policy(rules: [
            PolicyRule(match: PolicyMatch(domainSuffix: DomainName("bad.example")), verdict: .reject),
            PolicyRule(
                match: PolicyMatch(neighbour: "up2", relationship: .peer, pathContains: 666, community: Community(1, 2, 3), originRegion: Region("RU")),
                actions: [.setLocalPreference(150), .setPrice(2), .prepend(2), .addCommunity(Community(64501, 1, 1)),
                          .addCommunity(Community(64501, 1, 2)), .removeCommunity(Community(1, 2, 3))],
                verdict: .accept),
            PolicyRule(match: PolicyMatch(domainSuffix: .root), actions: [.setPrice(7)], verdict: .continue),
            PolicyRule(verdict: .continue),
        ], defaultVerdict: .reject)
        #expect(policy == expected)
    }

    @Test("rendering and parsing back gives the same policy and the same text")
    func roundTrip() throws {
        let text = try String(contentsOf: fixturesDirectory.appendingPathComponent("policy.yaml"), encoding: .utf8)
        let policy = try Policy.parse(yaml: text)
        let rendered = policy.yamlText
        let again = try Policy.parse(yaml: rendered)
        #expect(again == policy)
        #expect(again.yamlText == rendered)
    }

    @Test("rendered text is stable")
    func golden() throws {
        let policy = Policy(rules: [
            PolicyRule(match: PolicyMatch(domainSuffix: DomainName("bad.example")), verdict: .reject),
            PolicyRule(match: PolicyMatch(neighbour: "up2", originRegion: Region("NO")),
                       actions: [.setLocalPreference(150), .addCommunity(Community(64501, 1, 1))], verdict: .accept),
        ], defaultVerdict: .reject)
        #expect(policy.yamlText == """
            - match: { domain: bad.example }
              action: reject
            - match: { neighbour: up2, destination-region: "NO" }
              set: { local-pref: 150, add-community: ["64501:1:1"] }
              action: accept
            - default: reject

            """)
        #expect(try Policy.parse(yaml: policy.yamlText) == policy)
        #expect(Policy.acceptAll.yamlText == "- default: accept\n")
    }

    @Test("node policies round trip, including when embedded in a topology")
    func nodePolicyRoundTrip() throws {
        let result = try Topology.load(path: fixturesDirectory.appendingPathComponent("policy-node.yaml").path)
        let colo = try #require(result.topology.node(named: "colo1"))
        #expect(colo.policy.importPolicy.rules.count == 2)
        #expect(colo.policy.importPolicy.rules[1].verdict == .continue)
        #expect(colo.policy.exportPolicy.defaultVerdict == .reject)
        #expect(colo.refuseRegions == [Region("RU")!, Region("KP")!])
        #expect(colo.domains.map(\.text) == ["a.example", "b.example"])
        let text = colo.policy.yamlText
        #expect(text.hasPrefix("import:\n  - match: { domain: bad.example }\n"))
        #expect(try NodePolicy.parse(yaml: text) == colo.policy)
        let embedded = colo.policy.yamlLines(indent: 4).joined(separator: "\n")
        let yaml = "name: x\nnodes:\n  t1a: { role: tier1, operator: 1, region: US }\n  up1: { role: upstream, operator: 100, region: US }\n"
            + "  colo1:\n    role: colo\n    operator: 64501\n    region: US\n    policy:\n\(embedded.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))\n"
            + "links:\n  - { a: up1, b: t1a }\n  - { a: colo1, b: up1 }\n"
        let reparsed = try Topology.parse(yaml: yaml)
        #expect(reparsed.topology.node(named: "colo1")?.policy == colo.policy)
    }

    @Test("empty policies accept everything", arguments: ["", "[]", "- default: accept\n"])
    func emptyPolicies(_ yaml: String) throws {
        #expect(try Policy.parse(yaml: yaml) == .acceptAll)
    }

    @Test("an omitted direction accepts everything")
    func omittedDirection() throws {
        let policy = try NodePolicy.parse(yaml: "export:\n  - default: reject\n")
        #expect(policy.importPolicy == .acceptAll)
        #expect(policy.exportPolicy == Policy(defaultVerdict: .reject))
        #expect(!policy.isAcceptAll)
        #expect(NodePolicy().isAcceptAll)
        #expect(policyErrors("- default: accept\n- default: reject\n").map(\.line) == [1])
    }

    @Test("a single community may be written without a list")
    func singleCommunity() throws {
        let policy = try Policy.parse(yaml: "- set: { add-community: \"1:2:3\" }\n")
        #expect(policy.rules == [PolicyRule(actions: [.addCommunity(Community(1, 2, 3))], verdict: .continue)])
        // unquoted, YAML 1.1 would read 1:2:3 as a base-60 number; the raw text is used instead
        #expect(try Policy.parse(yaml: "- match: { community: 1:2:3 }\n  action: reject\n").rules[0].match.community == Community(1, 2, 3))
    }
}
