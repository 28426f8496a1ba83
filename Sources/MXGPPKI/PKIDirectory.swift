import Foundation
import X509

/// The layout of a PKI directory: `ca.pem` + `ca.key`, and `<node>.pem` + `<node>.key` per node.
public struct PKIDirectory: Sendable {
    /// The directory.
    public var path: String

    public init(path: String) { self.path = path }

    /// `DIR/ca.pem`.
    public var caCertificatePath: String { file("ca.pem") }
    /// `DIR/ca.key`.
    public var caKeyPath: String { file("ca.key") }
    /// `DIR/<node>.pem`.
    public func certificatePath(node: String) -> String { file(node + ".pem") }
    /// `DIR/<node>.key`.
    public func keyPath(node: String) -> String { file(node + ".key") }

    /// Creates a CA and writes `ca.pem` and `ca.key` (0600); refuses to replace them unless `overwrite`.
    @discardableResult
    public func initCA(name: String, validityDays: Int = CertificateAuthority.defaultCAValidityDays, overwrite: Bool = false, now: Date = Date()) throws(PKIError) -> PEMCredential {
        if !overwrite {
            for path in [caCertificatePath, caKeyPath] where FileManager.default.fileExists(atPath: path) {
                throw .wouldOverwrite(path: path)
            }
        }
        let credential = try CertificateAuthority.create(name: name, validityDays: validityDays, now: now)
        try PKIFiles.write(credential, certificatePath: caCertificatePath, keyPath: caKeyPath, overwrite: overwrite)
        return credential
    }

    /// Loads the CA from `ca.pem` and `ca.key`; a missing file says to run `mxgp pki init-ca` first.
    public func loadCA() throws(PKIError) -> CertificateAuthority {
        let hint = "run `mxgp pki init-ca --dir \(path)` first"
        let certificate = try PKIFiles.read(caCertificatePath, missingHint: hint)
        let key = try PKIFiles.read(caKeyPath, missingHint: hint)
        return try CertificateAuthority(credential: PEMCredential(certificatePEM: certificate, privateKeyPEM: key),
                                        source: (caCertificatePath, caKeyPath))
    }

    /// Issues a node certificate with the directory's CA and writes `<node>.pem` and `<node>.key` (0600).
    @discardableResult
    public func issue(
        node: String, operator operatorNumber: UInt32, dnsNames: [String] = [], ipAddresses: [String] = [],
        validityDays: Int = CertificateAuthority.defaultNodeValidityDays, overwrite: Bool = false, now: Date = Date()
    ) throws(PKIError) -> PEMCredential {
        guard PKINames.isValidNodeName(node) else {
            throw .invalidValue(what: "node name", value: node, rule: PKINames.nodeNameRule)
        }
        if !overwrite {
            for path in [certificatePath(node: node), keyPath(node: node)] where FileManager.default.fileExists(atPath: path) {
                throw .wouldOverwrite(path: path)
            }
        }
        let ca = try loadCA()
        let credential = try ca.issueNodeCertificate(nodeName: node, operator: operatorNumber, dnsNames: dnsNames,
                                                     ipAddresses: ipAddresses, validityDays: validityDays, now: now)
        try PKIFiles.write(credential, certificatePath: certificatePath(node: node), keyPath: keyPath(node: node), overwrite: overwrite)
        return credential
    }

    private func file(_ name: String) -> String {
        URL(fileURLWithPath: path).appendingPathComponent(name).path
    }
}
