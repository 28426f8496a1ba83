import MXGPCore
import Testing
@testable import MXGPTopology

/// `origin-validation:` and `hijack:` in topology files.
@Suite struct OriginValidationTopologyTests {
    static let base = """
        name: t
        nodes:
          up:   { role: upstream, operator: 100, region: US }
          bank: { role: colo, operator: 64501, region: US, domains: [bank.example] }
          evil: { role: colo, operator: 64666, region: US, domains: [evil.example], hijack: [bank.example] }
        links:
          - { a: bank, b: up }
          - { a: evil, b: up }

        """

    @Test(arguments: [
        ("", nil),
        ("origin-validation: off\n", nil),
        ("origin-validation: on\n", TopologyOriginValidation()),
        ("origin-validation: { leave-out: [evil] }\n", TopologyOriginValidation(leaveOut: ["evil"])),
        ("origin-validation: { leave-out: evil }\n", TopologyOriginValidation(leaveOut: ["evil"])),
    ] as [(String, TopologyOriginValidation?)])
    func parses(extra: String, expected: TopologyOriginValidation?) throws {
        let result = try #require(parsed(Self.base + extra))
        #expect(result.topology.originValidation == expected)
        #expect(result.warnings.isEmpty, "a hijack: domain is deliberate, not a duplicate")
        #expect(result.topology.node(named: "evil")?.domains.map(\.text) == ["evil.example", "bank.example"])
    }

    @Test(arguments: [
        ("origin-validation: { leave-out: [evl] }\n", "unknown node \"evl\""),
        ("origin-validation: maybe\n", "origin-validation is \"maybe\""),
        ("origin-validation: { skip: [evil] }\n", "skip"),
    ])
    func refusesWithAClearError(extra: String, message: String) {
        let errors = topologyErrors(Self.base + extra)
        #expect(errors.contains { $0.description.contains(message) }, "\(errors)")
        #expect(errors.allSatisfy { $0.line == 9 })
    }

    @Test func aPlainDuplicateDomainIsStillAWarning() throws {
        let yaml = Self.base.replacingOccurrences(of: "domains: [evil.example], hijack: [bank.example]", with: "domains: [evil.example, bank.example]")
        let result = try #require(parsed(yaml))
        #expect(result.warnings.map(\.kind) == [.duplicateDomain])
        #expect(result.warnings.first?.description.contains("hijack:") == true)
    }

    @Test func registryFromTheTopology() throws {
        let topology = try #require(parsed(Self.base + "origin-validation: on\n")).topology
        #expect(topology.originRegistry?.entries.map(\.description) == ["64501 bank.example max-depth 0 countries US", "64666 evil.example max-depth 0 countries US"])
        #expect(topology.originRegistry(leaveOut: ["bank"]).entries.map(\.description) == ["64666 evil.example max-depth 0 countries US"])
    }
}

/// `origin-validation:` in node configs.
@Suite struct NodeConfigOriginValidationTests {
    static let base = "name: up1\noperator: 100\nregion: US\nrole: upstream\nsmtp-endpoint: 192.0.2.1:25\n"

    @Test func parsesAndRendersNormalised() throws {
        let config = try NodeConfig.parse(yaml: Self.base + "origin-validation: { registry: /etc/mxgp/registry.json, public-key: /etc/mxgp/registry.pub }\n")
        #expect(config.originValidation == NodeConfig.OriginValidationFiles(registry: "/etc/mxgp/registry.json", publicKey: "/etc/mxgp/registry.pub"))
        #expect(config.yamlText.contains("origin-validation:\n  registry: /etc/mxgp/registry.json\n  public-key: /etc/mxgp/registry.pub\nstore:"))
        #expect(try NodeConfig.parse(yaml: config.yamlText) == config)
        let off = try NodeConfig.parse(yaml: Self.base + "origin-validation: off\n")
        #expect(off.originValidation == nil && off.yamlText.contains("\norigin-validation: off\n"))
    }

    @Test(arguments: [
        ("origin-validation: { registry: /r.json }\n", "public-key"),
        ("origin-validation: { registry: /r.json, public-key: /r.pub, key: /r.key }\n", "key"),
        ("origin-validation: /r.json\n", "origin-validation"),
    ])
    func refusesWithAClearError(extra: String, message: String) {
        #expect {
            _ = try NodeConfig.parse(yaml: Self.base + extra, file: "up1.yaml")
        } throws: { error in
            "\(error)".contains("up1.yaml:6") && "\(error)".contains(message)
        }
    }
}
