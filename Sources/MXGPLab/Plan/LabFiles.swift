import Foundation
import MXGPPKI
import MXGPTopology

/// Writes what the nodes of a plan read: one config per node and a lab CA with a certificate
/// per node (mutual TLS is on in labs).
public enum LabFiles {
    /// Writes configs into `configDirectory` and certificates into `pkiDirectory` (host paths;
    /// the configs refer to the plan's layout, which is where the nodes see the same files).
    public static func write(_ plan: LabPlan, configDirectory: String, pkiDirectory: String) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: configDirectory, withIntermediateDirectories: true)
        try fm.createDirectory(atPath: pkiDirectory, withIntermediateDirectories: true)
        for node in plan.nodes {
            try node.config.yamlText.write(toFile: "\(configDirectory)/\(node.name).yaml", atomically: true, encoding: .utf8)
        }
        let pki = PKIDirectory(path: pkiDirectory)
        if !fm.fileExists(atPath: pki.caCertificatePath) {
            try pki.initCA(name: "mxgp lab \(plan.name)")
        }
        for node in plan.nodes where !fm.fileExists(atPath: pki.certificatePath(node: node.name)) {
            try pki.issue(node: node.name, operator: node.config.operatorNumber, ipAddresses: [node.serviceAddress])
        }
    }
}
