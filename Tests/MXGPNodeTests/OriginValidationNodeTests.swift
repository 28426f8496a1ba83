import Foundation
import MXGPCore
import MXGPNode
import MXGPPKI
import MXGPTopology
import Testing

/// A node with `origin-validation:` loads and verifies its registry, refuses to start on a bad
/// one, and counts refused routes in its metrics.
@Suite struct OriginValidationNodeTests {
    struct Files {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mxgp-ov-\(UUID().uuidString)").path
        var registry: String { "\(directory)/registry.json" }
        var publicKey: String { "\(directory)/registry.pub" }
        let contents = OriginRegistry(serial: 9, entries: [OriginAuthorization(operatorNumber: 64501, suffix: DomainName("bank.example")!)])

        init() throws {
            let key = RegistrySigningKey()
            try OriginRegistryFiles.write(key, keyPath: "\(directory)/registry.key", publicKeyPath: publicKey, overwrite: false)
            let document = try SignedOriginRegistry(registry: contents, notBefore: Date().addingTimeInterval(-60), validityDays: 1).signed(with: key)
            try OriginRegistryFiles.write(document, to: registry)
        }

        var config: NodeConfig {
            NodeConfig(
                name: "up1", operatorNumber: 100, region: Region("US")!, role: .upstream, smtpEndpoint: HostPort(host: "127.0.0.1", port: 2525),
                originValidation: NodeConfig.OriginValidationFiles(registry: registry, publicKey: publicKey), store: "\(directory)/store")
        }

        func remove() { try? FileManager.default.removeItem(atPath: directory) }
    }

    @Test func aGoodRegistryBecomesTheOriginValidator() throws {
        let files = try Files()
        defer { files.remove() }
        let settings = try PeeringSettings(config: files.config)
        #expect(settings.originValidator as? OriginRegistry == files.contents)
    }

    @Test func aTamperedRegistryStopsTheNodeWithAClearError() throws {
        let files = try Files()
        defer { files.remove() }
        let text = try String(contentsOfFile: files.registry, encoding: .utf8).replacingOccurrences(of: "64501", with: "64666")
        try text.write(toFile: files.registry, atomically: true, encoding: .utf8)
        #expect {
            _ = try PeeringSettings(config: files.config)
        } throws: { error in
            (error as? RegistryError) == .badSignature(source: files.registry, key: files.publicKey)
                && "\(error)".contains("does not verify with public key \(files.publicKey)")
        }
    }

    @Test func anExpiredRegistryStopsTheNode() throws {
        let files = try Files()
        defer { files.remove() }
        #expect {
            _ = try PeeringSettings(config: files.config, now: Date().addingTimeInterval(3 * 86_400))
        } throws: { error in
            "\(error)".contains("origin registry \(files.registry) expired at")
        }
    }

    @Test func refusedRoutesAreCounted() {
        let metrics = NodeMetrics()
        metrics.originInvalidRoutes(total: 2)
        metrics.originInvalidRoutes(total: 1)
        #expect(metrics.render().contains("mxgp_routes_origin_invalid_total 2"))
    }
}
