import MXGPTopology
import Testing
@testable import MXGPCLI

/// `mxgp node` warns at start when `refuse-destinations` cannot work: countries come only from
/// the signed origin registry.
@Suite struct NodeCountryWarningTests {
    static let base = "name: up1\noperator: 100\nregion: DE\nrole: upstream\nsmtp-endpoint: 192.0.2.1:25\n"
    static let registry = "origin-validation: { registry: /etc/mxgp/registry.json, public-key: /etc/mxgp/registry.pub }\n"

    @Test(arguments: [
        ("refuse-destinations: [RU, CN]\n", true),
        ("refuse-destinations: [RU]\n" + registry, false),
        ("", false),
        (registry, false),
    ])
    func warnsOnlyWithoutARegistry(extra: String, warns: Bool) throws {
        let config = try NodeConfig.parse(yaml: Self.base + extra)
        let warning = NodeCommand.countryWarning(config)
        #expect((warning != nil) == warns, "\(String(describing: warning))")
        if let warning { #expect(warning.contains("[CN, RU]") || warning.contains("[RU, CN]")) }
    }
}
