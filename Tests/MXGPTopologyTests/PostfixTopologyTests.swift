import MXGPCore
import Testing
@testable import MXGPTopology

/// `mta: postfix` and `postfix:` in topology files: bad settings get file:line errors like
/// every other key; good ones merge (a node's keys over the topology's).
@Suite struct PostfixTopologyTests {
    /// Three Postfix nodes on lines 3–5; `top` lines go after `links:` (line 6–8).
    static func yaml(nodeExtra: String = "", top: [String] = [], mtaOfColo: String = "postfix") -> String {
        ([
            "name: t",
            "nodes:",
            "  t1a: { role: tier1, operator: 1, region: US, mta: postfix }",
            "  up1: { role: upstream, operator: 100, region: US, mta: postfix\(nodeExtra) }",
            "  colo1: { role: colo, operator: 64501, region: US, domains: [a.example], mta: \(mtaOfColo) }",
            "links:",
            "  - { a: up1, b: t1a }",
            "  - { a: colo1, b: up1, price: 3 }",
        ] + top).joined(separator: "\n") + "\n"
    }

    static let cases: [ErrorCase] = [
        ErrorCase(label: "unknown mta", yaml: yaml(mtaOfColo: "postfx"), kind: .badPostfix, fragment: "unknown mta \"postfx\"", line: 5,
                  fixFragment: "did you mean \"postfix\"?"),
        ErrorCase(label: "postfix key typo", yaml: yaml(top: ["postfix: { queue_run_dely: 10s }"]), kind: .unknownKey,
                  fragment: "unknown key \"queue_run_dely\" in postfix", line: 9, fixFragment: "did you mean \"queue_run_delay\"?"),
        ErrorCase(label: "timer not a duration", yaml: yaml(top: ["postfix:", "  minimal_backoff_time: soon"]), kind: .badPostfix,
                  fragment: "postfix.minimal_backoff_time is \"soon\"", line: 10, fixFragment: "Postfix's default: 300s"),
        ErrorCase(label: "timer below a second", yaml: yaml(top: ["postfix: { smtp_connect_timeout: 500ms }"]), kind: .badPostfix,
                  fragment: "smtp_connect_timeout is \"500ms\"", line: 9),
        ErrorCase(label: "timer above a day", yaml: yaml(top: ["postfix: { queue_run_delay: 48h }"]), kind: .badPostfix,
                  fragment: "queue_run_delay is \"48h\"", line: 9),
        ErrorCase(label: "bad routing", yaml: yaml(top: ["postfix: { routing: bgp }"]), kind: .badPostfix,
                  fragment: "postfix.routing is \"bgp\"", line: 9, fixFragment: "hierarchy"),
        ErrorCase(label: "bad backup-relays", yaml: yaml(top: ["postfix: { backup-relays: maybe }"]), kind: .badPostfix,
                  fragment: "backup-relays is \"maybe\"", line: 9),
        ErrorCase(label: "postfix not a mapping", yaml: yaml(top: ["postfix: 10s"]), kind: .wrongType, fragment: "postfix must be a mapping", line: 9),
        ErrorCase(label: "node timer", yaml: yaml(nodeExtra: ", postfix: { maximal_backoff_time: -1 }"), kind: .badPostfix,
                  fragment: "the postfix settings of node \"up1\".maximal_backoff_time", line: 4),
        ErrorCase(label: "backoff order", yaml: yaml(top: ["postfix: { minimal_backoff_time: 600s, maximal_backoff_time: 300s }"]),
                  kind: .badPostfix, fragment: "minimal_backoff_time (600s) is above maximal_backoff_time (300s)", line: 9),
        ErrorCase(label: "mixed MTAs", yaml: yaml(mtaOfColo: "mxgp"), kind: .badPostfix, fragment: "runs postfix but node \"colo1\" runs mxgp", line: 3),
        ErrorCase(label: "postfix settings on an mxgp node",
                  yaml: yaml().replacingOccurrences(of: "region: US, mta: postfix }", with: "region: US, postfix: { queue_run_delay: 5s } }"),
                  kind: .badPostfix, fragment: "has postfix settings but runs mxgp", line: 3, fixFragment: "add \"mta: postfix\""),
    ]

    @Test("bad Postfix settings are reported with file, line and fix", arguments: cases)
    func errorCase(_ test: ErrorCase) throws {
        let errors = topologyErrors(test.yaml)
        let match = errors.first { $0.kind == test.kind && $0.message.contains(test.fragment) }
        #expect(match != nil, "expected \(test.kind) containing \(test.fragment); got:\n\(errors.map(\.description).joined(separator: "\n"))")
        guard let match else { return }
        #expect(match.line == test.line)
        #expect(match.description.hasPrefix("test.yaml:\(test.line): error: "))
        #expect(test.fixFragment.isEmpty || match.fix.contains(test.fixFragment), "fix was: \(match.fix)")
    }

    @Test func settingsParseAndANodeOverridesTheTopology() throws {
        let topology = try Topology.parse(yaml: Self.yaml(
            nodeExtra: ", postfix: { smtp_connect_timeout: 5s, backup-relays: false }",
            top: ["postfix: { routing: static, queue_run_delay: 10s, minimal_backoff_time: 10s, maximal_backoff_time: 1m, smtp_connect_timeout: 30 }"]),
            file: "test.yaml").topology
        #expect(topology.nodes.allSatisfy { $0.mta == .postfix })
        #expect(topology.postfix == PostfixSettings(routing: .static, queueRunDelay: 10, minimalBackoffTime: 10, maximalBackoffTime: 60, smtpConnectTimeout: 30))
        let up1 = topology.postfixSettings(of: "up1")
        #expect(up1.smtpConnectTimeout == 5 && up1.backupRelays == false && up1.queueRunDelay == 10 && up1.routing == .static)
        #expect(topology.postfixSettings(of: "colo1").smtpConnectTimeout == 30)
        #expect(PostfixSettings().effective("queue_run_delay") == 300 && PostfixSettings().effective("smtp_connect_timeout") == 30)
    }

    @Test func nodesRunMXGPUnlessTheySayOtherwise() throws {
        let topology = try Topology.parse(yaml: Self.yaml().replacingOccurrences(of: ", mta: postfix", with: ""), file: "test.yaml").topology
        #expect(topology.nodes.allSatisfy { $0.mta == .mxgp })
    }
}
