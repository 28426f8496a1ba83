import Foundation
import MXGPCore
import MXGPPKI
import MXGPTopology

/// Writes what the nodes of a plan read: one config per node, a lab CA with a certificate
/// per node (mutual TLS is on in labs) and, when the topology has `origin-validation:`, an
/// origin registry of the topology's domains signed with a lab registry key.
public enum LabFiles {
    /// Writes configs into `configDirectory` and certificates into `pkiDirectory` (host paths;
    /// the configs refer to the plan's layout, which is where the nodes see the same files).
    public static func write(_ plan: LabPlan, configDirectory: String, pkiDirectory: String) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: configDirectory, withIntermediateDirectories: true)
        try fm.createDirectory(atPath: pkiDirectory, withIntermediateDirectories: true)
        for node in plan.nodes {
            try node.config.yamlText.write(toFile: "\(configDirectory)/\(node.name).yaml", atomically: true, encoding: .utf8)
            if plan.runsPostfix(node.name) { try PostfixInstance.write(PostfixConfig.render(plan, node: node.name)) }
        }
        try writePKI(plan, pkiDirectory: pkiDirectory)
    }

    /// Writes the lab CA, a certificate per node (each only when missing) and, with
    /// `origin-validation:`, the signed registry. The registry's signing key goes to
    /// `registryKeyDirectory` (default: the PKI folder); container labs keep it out of the
    /// folder every node mounts.
    public static func writePKI(_ plan: LabPlan, pkiDirectory: String, registryKeyDirectory: String? = nil) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: pkiDirectory, withIntermediateDirectories: true)
        let pki = PKIDirectory(path: pkiDirectory)
        if !fm.fileExists(atPath: pki.caCertificatePath) {
            try pki.initCA(name: "mxgp lab \(plan.name)")
        }
        for node in plan.nodes where !fm.fileExists(atPath: pki.certificatePath(node: node.name)) {
            try pki.issue(node: node.name, operator: node.config.operatorNumber, ipAddresses: [node.serviceAddress])
        }
        if let registry = plan.topology.originRegistry {
            try writeRegistry(registry, pkiDirectory: pkiDirectory, keyDirectory: registryKeyDirectory ?? pkiDirectory)
        }
    }

    /// Writes `registry.json`, signed with `registry.key` (created once per lab folder), and
    /// `registry.pub`, which the nodes verify it with. The registry is rewritten at every
    /// `lab up` (valid from now), so a changed topology gets a fresh one.
    static func writeRegistry(_ registry: OriginRegistry, pkiDirectory: String, keyDirectory: String, now: Date = Date()) throws {
        try FileManager.default.createDirectory(atPath: keyDirectory, withIntermediateDirectories: true)
        let keyPath = "\(keyDirectory)/\(LabLayout.registryKeyFile)", publicPath = "\(pkiDirectory)/\(LabLayout.registryPublicKeyFile)"
        let key: RegistrySigningKey
        if FileManager.default.fileExists(atPath: keyPath) {
            key = try OriginRegistryFiles.readSigningKey(keyPath)
        } else {
            key = RegistrySigningKey()
            try OriginRegistryFiles.write(key, keyPath: keyPath, publicKeyPath: publicPath, overwrite: true)
        }
        let document = try SignedOriginRegistry(registry: registry, notBefore: now.addingTimeInterval(-60)).signed(with: key)
        try OriginRegistryFiles.write(document, to: "\(pkiDirectory)/\(LabLayout.registryFile)")
    }
}
