import Foundation
import MXGPCore
import Testing
@testable import MXGPTopology

/// Node config fixtures and golden files (`node-*.normalised.yaml`) live in the source tree's
/// `Fixtures/`; run with `MXGP_UPDATE_GOLDEN=1` to rewrite the golden files, then review the diff.
enum NodeConfigFiles {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let fixtures = testsDirectory.appendingPathComponent("Fixtures")
    static let examples = testsDirectory.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("docs/examples")
    static var updating: Bool { ProcessInfo.processInfo.environment["MXGP_UPDATE_GOLDEN"] == "1" }

    /// (label, source file, golden file name) for every config that has a golden file.
    static let cases: [(String, URL, String)] = [
        ("colo example", examples.appendingPathComponent("colo.yaml"), "node-colo.normalised.yaml"),
        ("upstream example", examples.appendingPathComponent("upstream.yaml"), "node-upstream.normalised.yaml"),
        ("tier1 example", examples.appendingPathComponent("tier1.yaml"), "node-tier1.normalised.yaml"),
        ("maximal", fixtures.appendingPathComponent("node-maximal.yaml"), "node-maximal.normalised.yaml"),
        ("minimal", fixtures.appendingPathComponent("node-minimal.yaml"), "node-minimal.normalised.yaml"),
    ]
    static var labels: [String] { cases.map(\.0) }
}

/// Parses a node config, returning its errors (empty when it parses).
func nodeConfigErrors(_ yaml: String) -> [ConfigFileError] {
    do {
        _ = try NodeConfigParser.parse(yaml: yaml, file: "node.yaml")
        return []
    } catch {
        return error.errors
    }
}

/// A valid colo config; lines 1–6 are the node, `neighbours:` is line 7, the neighbours start on
/// line 8 (one per line) and `extra` lines follow them.
func nodeYAML(
    role: String = "colo", neighbours: [String] = ["{ name: up1, operator: 100, address: 198.51.100.1:1790 }"],
    extra: [String] = [], endpoint: String = "smtp-endpoint: 192.0.2.10:25"
) -> String {
    var lines = ["name: colo1", "operator: 64501", "region: US", "role: \(role)", "domains: [a.example]", endpoint, "neighbours:"]
    lines += neighbours.map { "  - " + $0 }
    lines += extra
    return lines.joined(separator: "\n") + "\n"
}

struct NodeConfigErrorCase: CustomTestStringConvertible, Sendable {
    var label: String
    var yaml: String
    var kind: ConfigFileError.Kind
    var fragment: String
    var line: Int
    var fixFragment: String = ""
    var testDescription: String { label }
}

let up = "{ name: up1, operator: 100, address: 198.51.100.1:1790 }"

let nodeConfigErrorCases: [NodeConfigErrorCase] = [
    .init(label: "broken YAML", yaml: "name: colo1\nlisten: { mxgp: 1\nrole: colo\n", kind: .yamlSyntax, fragment: "broken YAML", line: 3),
    .init(label: "empty file", yaml: "", kind: .missingKey, fragment: "the node config is empty", line: 0),
    .init(label: "not a mapping", yaml: "- colo1\n", kind: .wrongType, fragment: "the node config must be a mapping", line: 1),
    .init(label: "top-level typo", yaml: nodeYAML(extra: ["domain: [b.example]"]), kind: .unknownKey,
          fragment: "unknown key \"domain\" in the node config", line: 9, fixFragment: "did you mean \"domains\"?"),
    .init(label: "US spelling", yaml: nodeYAML(extra: ["neighbors: []"]), kind: .unknownKey, fragment: "\"neighbors\"", line: 9,
          fixFragment: "did you mean \"neighbours\"?"),
    .init(label: "missing operator", yaml: "name: colo1\nregion: US\nrole: colo\nsmtp-endpoint: 192.0.2.1\n", kind: .missingKey,
          fragment: "has no \"operator\"", line: 1, fixFragment: "add \"operator: …\""),
    .init(label: "bad name", yaml: nodeYAML().replacingOccurrences(of: "name: colo1", with: "name: Colo_1"), kind: .badNodeName,
          fragment: "name \"Colo_1\"", line: 1, fixFragment: "lower-case letter"),
    .init(label: "operator zero", yaml: nodeYAML().replacingOccurrences(of: "operator: 64501", with: "operator: 0"), kind: .badOperator,
          fragment: "operator is \"0\"", line: 2),
    .init(label: "bad region", yaml: nodeYAML().replacingOccurrences(of: "region: US", with: "region: USA"), kind: .badRegion,
          fragment: "region \"USA\"", line: 3, fixFragment: "two letters"),
    .init(label: "role typo", yaml: nodeYAML(role: "tier-1"), kind: .unknownRole, fragment: "role \"tier-1\"", line: 4,
          fixFragment: "did you mean \"tier1\"?"),
    .init(label: "bad domain", yaml: nodeYAML().replacingOccurrences(of: "[a.example]", with: "[a.example, -b.example]"), kind: .badDomain,
          fragment: "domains[1] \"-b.example\"", line: 5),
    .init(label: "duplicate domain", yaml: nodeYAML().replacingOccurrences(of: "[a.example]", with: "[a.example, A.example.]"),
          kind: .duplicateDomain, fragment: "domains[1] \"a.example\" is listed twice", line: 5),
    .init(label: "listen typo", yaml: nodeYAML(extra: ["listen:", "  smpt: 0.0.0.0:2525"]), kind: .unknownKey,
          fragment: "unknown key \"smpt\" in listen", line: 10, fixFragment: "did you mean \"smtp\"?"),
    .init(label: "port out of range", yaml: nodeYAML(extra: ["listen: { mxgp: 0.0.0.0:70000 }"]), kind: .badAddress,
          fragment: "listen.mxgp \"0.0.0.0:70000\"", line: 9, fixFragment: "host:port"),
    .init(label: "IPv6 without brackets", yaml: nodeYAML(extra: ["listen: { mxgp: \"2001:db8::1\" }"]), kind: .badAddress,
          fragment: "needs brackets", line: 9),
    .init(label: "bad IPv4", yaml: nodeYAML(extra: ["listen: { smtp: 10.0.0.256:25 }"]), kind: .badAddress,
          fragment: "\"10.0.0.256\" is not an IPv4 address or host name", line: 9),
    .init(label: "wildcard endpoint", yaml: nodeYAML(endpoint: "smtp-endpoint: 0.0.0.0:25"), kind: .badAddress,
          fragment: "smtp-endpoint 0.0.0.0:25 is a wildcard", line: 6),
    .init(label: "no endpoint", yaml: nodeYAML(endpoint: "store: /tmp/x"), kind: .missingKey,
          fragment: "smtp-endpoint is not set", line: 1, fixFragment: "add \"smtp-endpoint: <address>:25\""),
    .init(label: "no endpoint, wildcard smtp", yaml: nodeYAML(extra: ["listen:", "  smtp: \"[::]:2525\""], endpoint: "store: /tmp/x"),
          kind: .missingKey, fragment: "listen.smtp ([::]:2525) is a wildcard", line: 10),
    .init(label: "bad network", yaml: nodeYAML(extra: ["local-networks: [10.0.0.0/8, 10.0.0.0/33]"]), kind: .badAddress,
          fragment: "local-networks[1] \"10.0.0.0/33\"", line: 9, fixFragment: "address/prefix"),
    .init(label: "neighbour without operator", yaml: nodeYAML(neighbours: ["{ name: up1, address: 198.51.100.1 }"]), kind: .missingKey,
          fragment: "neighbours[0] has no \"operator\"", line: 8),
    .init(label: "neighbour key typo", yaml: nodeYAML(neighbours: ["{ name: up1, operator: 100, adress: 198.51.100.1 }"]),
          kind: .unknownKey, fragment: "unknown key \"adress\" in neighbours[0]", line: 8, fixFragment: "did you mean \"address\"?"),
    .init(label: "relationship typo", yaml: nodeYAML(neighbours: [up, "name: up2"], extra: ["    operator: 200", "    relationship: provder"]),
          kind: .badRelationship, fragment: "neighbours[1].relationship \"provder\"", line: 11, fixFragment: "did you mean \"provider\"?"),
    .init(label: "colo with a customer", yaml: nodeYAML(neighbours: [up, "{ name: c2, operator: 64502, relationship: customer }"]),
          kind: .coloGivesTransit, fragment: "neighbours[1] (c2) would be a customer of this colo", line: 9, fixFragment: "never gives transit"),
    .init(label: "tier1 with a provider", yaml: nodeYAML(role: "tier1", neighbours: ["{ name: up1, operator: 100, relationship: provider }"]),
          kind: .tier1WithProvider, fragment: "neighbours[0] (up1) would be a provider of this tier1", line: 8),
    .init(label: "upstream neighbour without relationship", yaml: nodeYAML(role: "upstream"), kind: .missingKey,
          fragment: "neighbours[0] (up1) has no \"relationship\" (a upstream has no default)", line: 8, fixFragment: "relationship: customer"),
    .init(label: "duplicate neighbour name", yaml: nodeYAML(neighbours: [up, "{ name: up1, operator: 200 }"]), kind: .duplicateNeighbour,
          fragment: "neighbours[1] is named \"up1\" like neighbours[0]", line: 9),
    .init(label: "duplicate neighbour operator", yaml: nodeYAML(neighbours: [up, "{ name: up2, operator: 100 }"]), kind: .duplicateOperator,
          fragment: "neighbours[1] (up2) has operator 100 like neighbours[0]", line: 9),
    .init(label: "duplicate neighbour address", yaml: nodeYAML(neighbours: [up, "{ name: up2, operator: 200, address: 198.51.100.1 }"]),
          kind: .duplicateAddress, fragment: "neighbours[1] (up2) has address 198.51.100.1:1790", line: 9),
    .init(label: "own operator", yaml: nodeYAML(neighbours: [up, "{ name: up2, operator: 64501 }"]), kind: .selfLink,
          fragment: "neighbours[1] (up2) has operator 64501, this node's own operator", line: 9),
    .init(label: "own name", yaml: nodeYAML(neighbours: [up, "{ name: colo1, operator: 200 }"]), kind: .selfLink,
          fragment: "neighbours[1].name \"colo1\" is this node's own name", line: 9),
    .init(label: "price on peer", yaml: nodeYAML(neighbours: [up, "{ name: c2, operator: 64502, relationship: peer, contract: { price: 2 } }"]),
          kind: .priceOnPeerLink, fragment: "neighbours[1] (c2) is a peer but its contract has price 2", line: 9),
    .init(label: "active without address", yaml: nodeYAML(neighbours: [up, "{ name: up2, operator: 200, passive: false }"]), kind: .missingKey,
          fragment: "neighbours[1] (up2) has passive: false but no address", line: 9, fixFragment: "passive: true"),
    .init(label: "passive not a boolean", yaml: nodeYAML(neighbours: ["{ name: up1, operator: 100, passive: maybe }"]), kind: .wrongType,
          fragment: "neighbours[0].passive is \"maybe\"", line: 8),
    .init(label: "contract key typo", yaml: nodeYAML(neighbours: ["{ name: up1, operator: 100, contract: { rate_limit: 5 } }"]),
          kind: .unknownKey, fragment: "\"rate_limit\" in neighbours[0].contract", line: 8, fixFragment: "did you mean \"rate-limit\"?"),
    .init(label: "max-size zero", yaml: nodeYAML(neighbours: [up, "name: up2"], extra: ["    operator: 200", "    contract:", "      max-size: 0"]),
          kind: .badContract, fragment: "neighbours[1].contract.max-size is \"0\"", line: 12),
    .init(label: "negative price", yaml: nodeYAML(neighbours: ["{ name: up1, operator: 100, contract: { price: -1 } }"]), kind: .badPrice,
          fragment: "neighbours[0].contract.price is \"-1\"", line: 8),
    .init(label: "bad max-domains", yaml: nodeYAML(neighbours: ["{ name: up1, operator: 100, max-domains: lots }"]), kind: .badContract,
          fragment: "neighbours[0].max-domains", line: 8),
    .init(label: "keepalive", yaml: nodeYAML(extra: ["timers:", "  hold: 90", "  keepalive: 30"]), kind: .badTimer,
          fragment: "timers.keepalive cannot be set", line: 11, fixFragment: "timers.hold"),
    .init(label: "hold too short", yaml: nodeYAML(extra: ["timers: { hold: 2 }"]), kind: .badTimer, fragment: "timers.hold must be 0 or", line: 9),
    .init(label: "bad duration", yaml: nodeYAML(extra: ["timers:", "  connect-retry: fast"]), kind: .badTimer,
          fragment: "timers.connect-retry is \"fast\"", line: 10, fixFragment: "like 1s"),
    .init(label: "retry max below retry", yaml: nodeYAML(extra: ["timers:", "  connect-retry: 10s", "  connect-retry-max: 5s"]),
          kind: .badTimer, fragment: "connect-retry-max (5s) is below timers.connect-retry (10s)", line: 11),
    .init(label: "fast liveness too fast", yaml: nodeYAML(extra: ["timers: { fast-liveness: 5ms }"]), kind: .badTimer,
          fragment: "timers.fast-liveness is \"5ms\"", line: 9),
    .init(label: "slow next hop not a duration", yaml: nodeYAML(extra: ["timers: { slow-next-hop: slow }"]), kind: .badTimer,
          fragment: "timers.slow-next-hop is \"slow\"", line: 9, fixFragment: "like 10s"),
    .init(label: "slow next hop too small", yaml: nodeYAML(extra: ["timers: { slow-next-hop: 5ms }"]), kind: .badTimer,
          fragment: "timers.slow-next-hop is \"5ms\"", line: 9, fixFragment: "use off or a delivery latency"),
    .init(label: "slow next hop retry too short", yaml: nodeYAML(extra: ["timers: { slow-next-hop-retry: 10ms }"]), kind: .badTimer,
          fragment: "timers.slow-next-hop-retry is \"10ms\"", line: 9, fixFragment: "from 100ms to 24h"),
    .init(label: "advertisement interval too long", yaml: nodeYAML(extra: ["timers: { advertisement-interval: 2m }"]), kind: .badTimer,
          fragment: "timers.advertisement-interval is \"2m\"", line: 9, fixFragment: "up to 60s"),
    .init(label: "profile typo", yaml: nodeYAML(extra: ["timers: { profile: prod }"]), kind: .badTimer, fragment: "timers.profile \"prod\"",
          line: 9, fixFragment: "did you mean \"production\"?"),
    .init(label: "tls without key", yaml: nodeYAML(extra: ["tls:", "  certificate: a.pem", "  ca: ca.pem"]), kind: .missingKey,
          fragment: "tls has no \"key\"", line: 10),
    .init(label: "overload key typo", yaml: nodeYAML(extra: ["overload: { queue_high: 5 }"]), kind: .unknownKey,
          fragment: "\"queue_high\" in overload", line: 9, fixFragment: "did you mean \"queue-high\"?"),
    .init(label: "overload negative", yaml: nodeYAML(extra: ["overload:", "  queue-high: -1"]), kind: .badOverload,
          fragment: "overload.queue-high is \"-1\"", line: 10),
    .init(label: "overload low not below high", yaml: nodeYAML(extra: ["overload:", "  queue-high: 50", "  queue-low: 50"]),
          kind: .badOverload, fragment: "overload.queue-low (50) is not below overload.queue-high (50)", line: 11, fixFragment: "flapping"),
    .init(label: "overload rate low above high", yaml: nodeYAML(extra: ["overload: { rate-high: 100, rate-low: 200 }"]),
          kind: .badOverload, fragment: "overload.rate-low (200) is not below overload.rate-high (100)", line: 9),
    .init(label: "overload bad hold", yaml: nodeYAML(extra: ["overload: { hold: soon }"]), kind: .badOverload,
          fragment: "overload.hold is \"soon\"", line: 9, fixFragment: "like 10s"),
    .init(label: "overload not a mapping", yaml: nodeYAML(extra: ["overload: 500"]), kind: .wrongType, fragment: "overload", line: 9),
    .init(label: "log level", yaml: nodeYAML(extra: ["log-level: warn"]), kind: .badLogLevel, fragment: "log-level \"warn\"", line: 9,
          fixFragment: "did you mean \"warning\"?"),
    .init(label: "policy names an unknown neighbour", yaml: nodeYAML(extra: ["policy:", "  import:", "    - { match: { neighbour: up9 }, action: reject }"]),
          kind: .unknownNode, fragment: "policy names neighbour \"up9\", which is not in neighbours", line: 11, fixFragment: "did you mean \"up1\"?"),
    .init(label: "policy syntax", yaml: nodeYAML(extra: ["policy:", "  export:", "    - { match: { domain: x.example }, action: rejct }"]),
          kind: .badPolicy, fragment: "the action \"rejct\"", line: 11, fixFragment: "did you mean \"reject\"?"),
    .init(label: "listeners clash", yaml: nodeYAML(extra: ["listen: { mxgp: 10.0.0.1:2525, smtp: 0.0.0.0:2525 }"]), kind: .duplicateAddress,
          fragment: "listen.smtp (0.0.0.0:2525) and listen.mxgp (10.0.0.1:2525) use the same port", line: 9),
    .init(label: "admin socket path too long", yaml: nodeYAML(extra: ["listen: { admin: /\(String(repeating: "x", count: 120)) }"]), kind: .badPath,
          fragment: "listen.admin", line: 9, fixFragment: "shorter path"),
    .init(label: "store is a list", yaml: nodeYAML(extra: ["store: [a, b]"]), kind: .wrongType, fragment: "store must be a single value", line: 9),
    .init(label: "bad refuse-region", yaml: nodeYAML(extra: ["refuse-regions: [RU, Russia]"]), kind: .badRegion,
          fragment: "refuse-regions[1] \"Russia\"", line: 9),
]

@Suite("NodeConfig")
struct NodeConfigTests {
    @Test("each config error names the key, the line and a fix", arguments: nodeConfigErrorCases)
    func errorCase(_ test: NodeConfigErrorCase) {
        let errors = nodeConfigErrors(test.yaml)
        let match = errors.first { $0.kind == test.kind && $0.message.contains(test.fragment) }
        #expect(match != nil, "expected \(test.kind) containing \(test.fragment); got:\n\(errors.map(\.description).joined(separator: "\n"))")
        #expect(match?.line == test.line, "\(match?.description ?? "-")")
        #expect(match?.file == "node.yaml")
        #expect(test.fixFragment.isEmpty || match?.fix.contains(test.fixFragment) == true, "fix was: \(match?.fix ?? "-")")
        #expect(match?.fix.isEmpty == false)
    }

    @Test("the base config of the error table is valid")
    func baseIsValid() throws {
        let result = try NodeConfigParser.parse(yaml: nodeYAML(), file: "node.yaml")
        #expect(result.warnings.isEmpty)
        #expect(result.config.neighbours.first?.relationship == .provider)
    }

    @Test("example and fixture configs parse without warnings", arguments: NodeConfigFiles.labels)
    func examplesParse(_ label: String) throws {
        let (_, url, _) = NodeConfigFiles.cases.first { $0.0 == label }!
        let result = try NodeConfigParser.load(path: url.path)
        #expect(result.warnings.isEmpty, "\(result.warnings)")
    }

    @Test("normalised output matches the golden file", arguments: NodeConfigFiles.labels)
    func golden(_ label: String) throws {
        let (_, url, golden) = NodeConfigFiles.cases.first { $0.0 == label }!
        let text = try NodeConfig.load(path: url.path).yamlText
        let goldenURL = NodeConfigFiles.fixtures.appendingPathComponent(golden)
        if NodeConfigFiles.updating {
            try text.write(to: goldenURL, atomically: true, encoding: .utf8)
            return
        }
        let expected = try? String(contentsOf: goldenURL, encoding: .utf8)
        #expect(expected == text, "\(golden) differs (or is missing); rerun with MXGP_UPDATE_GOLDEN=1 if the change is intended")
    }

    @Test("parse(render(config)) == config and rendering is stable", arguments: NodeConfigFiles.labels)
    func roundTrip(_ label: String) throws {
        let (_, url, _) = NodeConfigFiles.cases.first { $0.0 == label }!
        let config = try NodeConfig.load(path: url.path)
        let again = try NodeConfig.parse(yaml: config.yamlText, file: "normalised")
        #expect(again == config)
        #expect(again.yamlText == config.yamlText)
    }

    @Test("a config built in code round trips")
    func builtRoundTrip() throws {
        var config = NodeConfig(name: "x1", operatorNumber: 7, region: Region("JP")!, role: .tier1,
                                smtpEndpoint: HostPort(host: "2001:db8::7", port: 2525))
        config.neighbours = [.init(name: "y", operatorNumber: 8, relationship: .peer)]
        config.timers = .lab
        #expect(try NodeConfig.parse(yaml: config.yamlText) == config)
    }

    @Test("overload: absent is off, {} takes every default, keys override, and it round trips")
    func overload() throws {
        #expect(try NodeConfig.parse(yaml: nodeYAML()).overload == nil)
        #expect(try NodeConfig.parse(yaml: nodeYAML(extra: ["overload: off"])).overload == nil)
        #expect(try NodeConfig.parse(yaml: nodeYAML(extra: ["overload: {}"])).overload == OverloadSettings())
        let config = try NodeConfig.parse(yaml: nodeYAML(extra: ["overload: { queue-high: 40, rate-high: 600, tempfail-high: 30, hold: 2s }"]))
        #expect(config.overload == OverloadSettings(queueHigh: 40, queueLow: 20, rateHigh: 600, rateLow: 300, tempfailHigh: 30, tempfailLow: 15, hold: .seconds(2)))
        #expect(config.yamlText.contains("overload:\n  queue-high: 40\n  queue-low: 20\n"))
        #expect(try NodeConfig.parse(yaml: config.yamlText) == config)
        #expect(!(try NodeConfig.parse(yaml: nodeYAML()).yamlText.contains("overload")), "no overload line when it is off")
    }

    @Test("defaults are filled in")
    func defaults() throws {
        let config = try NodeConfig.load(path: NodeConfigFiles.fixtures.appendingPathComponent("node-minimal.yaml").path)
        #expect(config.listen == NodeConfig.Listen(admin: "/run/mxgp/colo1.sock"))
        #expect(config.listen.mxgp.description == "0.0.0.0:1790")
        #expect(config.listen.smtp.description == "0.0.0.0:25")
        #expect(config.smtpEndpoint.description == "192.0.2.10:25")
        #expect(config.store == "/var/lib/mxgp/colo1")
        #expect(config.region.code == "US")
        #expect(config.localNetworks.map(\.description) == ["127.0.0.0/8", "::1/128"])
        #expect(config.timers == .production)
        #expect(config.tls == nil && config.logLevel == .info)
        let up1 = try #require(config.neighbours.first)
        #expect(up1.address?.description == "198.51.100.1:1790")
        #expect(up1.relationship == .provider && !up1.passive)
        #expect(up1.contract == NodeConfig.Contract(price: 0, chargeback: 0, rateLimit: 0, maxSize: 10_485_760))
    }

    @Test("a listen.smtp on a concrete address is the default smtp-endpoint; neighbours without address are passive")
    func derivedDefaults() throws {
        let config = try NodeConfig.parse(yaml: nodeYAML(
            role: "upstream", neighbours: ["{ name: c1, operator: 64502, relationship: customer }"],
            extra: ["listen: { smtp: \"[2001:db8::5]\" }"], endpoint: ""))
        #expect(config.smtpEndpoint.description == "[2001:db8::5]:25")
        #expect(config.neighbours[0].passive && config.neighbours[0].address == nil)
    }

    @Test("the lab profile sets lab timers and single keys override them")
    func labProfile() throws {
        let config = try NodeConfig.parse(yaml: nodeYAML(extra: ["timers: { profile: lab, connect-retry-max: 2s, fast-liveness: 200ms }"]))
        #expect(config.timers.holdTime == 3 && config.timers.keepaliveSeconds == 1)
        #expect(config.timers.connectRetry == .milliseconds(100))
        #expect(config.timers.connectRetryMax == .seconds(2))
        #expect(config.timers.fastLivenessMilliseconds == 200)
    }

    /// Each row: the `timers` mapping, then the slow-next-hop limit and probe interval it gives.
    @Test(arguments: [
        ("{}", Duration?.some(.seconds(10)), Duration.seconds(60)),
        ("{ profile: lab }", .seconds(1), .seconds(10)),
        ("{ profile: lab, slow-next-hop: 250ms, slow-next-hop-retry: 2s }", .milliseconds(250), .seconds(2)),
        ("{ slow-next-hop: off }", nil, .seconds(60)),
    ])
    func slowNextHop(timers: String, limit: Duration?, retry: Duration) throws {
        let config = try NodeConfig.parse(yaml: nodeYAML(extra: ["timers: \(timers)"]))
        #expect(config.timers.slowNextHop == limit)
        #expect(config.timers.slowNextHopRetry == retry)
    }

    @Test("warnings: colo without domains or provider, isolated node, exposed admin, host bits")
    func warnings() throws {
        let yaml = """
            name: colo1
            operator: 64501
            region: US
            role: colo
            smtp-endpoint: 192.0.2.10
            listen: { admin-tcp: 0.0.0.0 }
            local-networks: [10.1.2.3/8]
            neighbours:
              - { name: c2, operator: 64502, relationship: peer }

            """
        let result = try NodeConfigParser.parse(yaml: yaml, file: "w.yaml")
        #expect(Set(result.warnings.map(\.kind)) == [.coloWithoutDomains, .coloWithoutProvider, .exposedAdmin, .badAddress])
        #expect(result.warnings.allSatisfy { $0.severity == .warning })
        #expect(result.config.localNetworks.map(\.description) == ["10.0.0.0/8"])
        #expect(result.config.listen.adminTCP?.description == "0.0.0.0:8790")
        let lonely = try NodeConfigParser.parse(yaml: "name: t\noperator: 1\nregion: US\nrole: tier1\nsmtp-endpoint: t.example\n", file: "t.yaml")
        #expect(lonely.warnings.map(\.kind) == [.isolatedNode])
    }

    @Test("views for the routing core and the sessions")
    func views() throws {
        let config = try NodeConfig.load(path: NodeConfigFiles.examples.appendingPathComponent("upstream.yaml").path)
        let routing = config.routingConfig
        #expect(routing.name == "up1" && routing.operatorNumber == 100 && routing.role == .upstream)
        #expect(routing.nextHop == "198.51.100.1:25")
        #expect(routing.policy == config.policy)
        let neighbours = config.neighbourRoutingConfigs
        #expect(neighbours.map(\.name) == ["colo1", "t1a", "up2"])
        #expect(neighbours.map(\.exportPrice) == [3, 0, 0])
        let colo1 = try #require(config.neighbour(named: "colo1"))
        let session = config.sessionConfiguration(for: colo1)
        #expect(session.neighbourOperator == 64501 && session.neighbourRelationship == .customer && session.localRole == .provider)
        #expect(session.holdTime == 30 && session.passive)
        #expect(session.reconnect.initial == .milliseconds(500) && session.reconnect.cap == .seconds(30))
        #expect(session.nodeName == "up1" && session.region.code == "US" && session.fastLivenessMilliseconds == nil)
    }

    @Test("unreadable files are reported")
    func unreadable() {
        #expect(throws: ConfigFileErrors.self) { try NodeConfig.load(path: "/nonexistent/node.yaml") }
        do {
            _ = try NodeConfigParser.load(path: "/nonexistent/node.yaml")
        } catch {
            #expect(error.errors.first?.kind == .unreadableFile)
        }
    }

    @Test("host:port parsing", arguments: [
        ("10.0.0.1:25", "10.0.0.1:25"), ("[::]:1790", "[::]:1790"), ("[2001:DB8:0::1]:1", "[2001:db8::1]:1"),
        ("MX.Example.NET:2525", "mx.example.net:2525"), ("localhost", "localhost:1790"), (" 10.0.0.1 ", "10.0.0.1:1790"),
    ])
    func hostPort(_ text: String, _ expected: String) {
        #expect(HostPort(text, defaultPort: 1790)?.description == expected)
    }

    @Test("host:port rejects", arguments: ["", "10.0.0.1:0", "10.0.0.1:65536", "10.0.0.1:", "::1", "[::1", "[x]:1", "a b:1", "1.2.3:4", "[::1]x"])
    func hostPortRejects(_ text: String) {
        #expect(HostPort(text, defaultPort: 1790) == nil)
    }

    @Test("networks")
    func networks() throws {
        let v4 = try #require(IPNetwork("10.20.0.0/16"))
        #expect(v4.contains([10, 20, 3, 4]) && !v4.contains([10, 21, 0, 1]))
        #expect(IPNetwork("192.0.2.7")?.description == "192.0.2.7/32")
        #expect(IPNetwork("2001:db8::ff/120")?.description == "2001:db8::/120")
        #expect(IPNetwork("0.0.0.0/0")!.contains([8, 8, 8, 8]))
        #expect(IPNetwork("::1/128")!.contains(Array(repeating: 0, count: 15) + [1]))
        #expect(IPNetwork("10.0.0.0/33") == nil && IPNetwork("x/8") == nil && IPNetwork("10.0.0.0/-1") == nil)
    }
}
