import Crypto
import Foundation
import SwiftASN1
import X509

/// A certificate and its private key, both PEM-encoded (the key as PKCS#8 `PRIVATE KEY`).
public struct PEMCredential: Sendable, Equatable {
    /// The certificate, `-----BEGIN CERTIFICATE-----`.
    public var certificatePEM: String
    /// The private key, `-----BEGIN PRIVATE KEY-----` (PKCS#8, P-256).
    public var privateKeyPEM: String

    public init(certificatePEM: String, privateKeyPEM: String) {
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
    }
}

/// A certificate authority for MXGP labs and operators: a self-signed P-256 CA that issues
/// node certificates naming their operator (see ``OperatorIdentity``).
public struct CertificateAuthority: Sendable {
    /// Default lifetime of a CA certificate, in days.
    public static let defaultCAValidityDays = 3650
    /// Default lifetime of a node certificate, in days.
    public static let defaultNodeValidityDays = 365
    /// The accepted range for `--days`.
    public static let validityRange = 1...36_500
    /// How far back `notValidBefore` is set, to tolerate clocks that lag a little.
    static let backdating: TimeInterval = 300

    /// The CA certificate.
    public let certificate: Certificate
    /// The CA's signing key.
    let privateKey: Certificate.PrivateKey

    /// Loads a CA from its PEM certificate and key; `source` names them in errors.
    public init(credential: PEMCredential, source: (certificate: String, key: String) = ("CA certificate", "CA key")) throws(PKIError) {
        let certificate = try PEMCodec.certificate(fromPEM: credential.certificatePEM, source: source.certificate)
        let key = try PEMCodec.privateKey(fromPEM: credential.privateKeyPEM, source: source.key)
        guard case .isCertificateAuthority = try? certificate.extensions.basicConstraints else {
            throw .notACertificateAuthority(source: source.certificate)
        }
        guard key.publicKey == certificate.publicKey else {
            throw .keyMismatch(certificate: source.certificate, key: source.key)
        }
        self.certificate = certificate
        self.privateKey = key
    }

    /// Creates a new self-signed CA: P-256 key, subject `CN = name, O = MXGP`,
    /// basicConstraints CA:true (critical), keyUsage keyCertSign + cRLSign (critical),
    /// subject key identifier.
    public static func create(name: String, validityDays: Int = defaultCAValidityDays, now: Date = Date()) throws(PKIError) -> PEMCredential {
        guard !name.isEmpty, name.utf8.count <= 64, !name.contains(where: \.isNewline) else {
            throw .invalidValue(what: "CA name", value: name, rule: "1 to 64 characters on one line")
        }
        try checkValidity(validityDays)
        let signingKey = P256.Signing.PrivateKey()
        let key = Certificate.PrivateKey(signingKey)
        let certificate = try pkiAttempt({ .signingFailed(what: "CA certificate", reason: $0) }) {
            let subject = try DistinguishedName {
                OrganizationName("MXGP")
                CommonName(name)
            }
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: key.publicKey)
            }
            return try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
                notValidBefore: now - backdating, notValidAfter: now + Double(validityDays) * 86_400,
                issuer: subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
                extensions: extensions, issuerPrivateKey: key)
        }
        return PEMCredential(certificatePEM: try PEMCodec.pem(of: certificate), privateKeyPEM: signingKey.pemRepresentation + "\n")
    }

    /// Issues a node certificate signed by this CA.
    ///
    /// Profile: P-256 key; subject `CN = nodeName, O = MXGP operator <n>`; basicConstraints
    /// CA:false; keyUsage digitalSignature (critical); extendedKeyUsage serverAuth + clientAuth;
    /// SAN with DNS `nodeName` and `dnsNames`, the IP `ipAddresses`, and the URI
    /// `mxgp:operator:<n>`; subject and authority key identifiers.
    /// - Parameters:
    ///   - nodeName: the node's name (``PKINames/isValidNodeName(_:)``); also a DNS SAN.
    ///   - operatorNumber: the operator the node speaks for, 1…4294967295.
    ///   - dnsNames: further DNS names the node answers to.
    ///   - ipAddresses: IPv4/IPv6 addresses the node answers on, as text.
    public func issueNodeCertificate(
        nodeName: String, operator operatorNumber: UInt32, dnsNames: [String] = [], ipAddresses: [String] = [],
        validityDays: Int = defaultNodeValidityDays, now: Date = Date()
    ) throws(PKIError) -> PEMCredential {
        guard PKINames.isValidNodeName(nodeName) else {
            throw .invalidValue(what: "node name", value: nodeName, rule: PKINames.nodeNameRule)
        }
        guard operatorNumber != 0 else {
            throw .invalidValue(what: "operator", value: "0", rule: "an operator number between 1 and 4294967295")
        }
        try Self.checkValidity(validityDays)
        var names: [GeneralName] = [.dnsName(nodeName)]
        for dns in dnsNames {
            guard PKINames.isValidDNSName(dns) else { throw .invalidValue(what: "DNS name", value: dns, rule: PKINames.dnsNameRule) }
            let name = GeneralName.dnsName(dns.lowercased())
            if !names.contains(name) { names.append(name) }
        }
        for ip in ipAddresses {
            guard let bytes = PKINames.ipAddressBytes(ip) else {
                throw .invalidValue(what: "IP address", value: ip, rule: "an IPv4 or IPv6 address such as 192.0.2.10 or 2001:db8::10")
            }
            let name = GeneralName.ipAddress(ASN1OctetString(contentBytes: bytes[...]))
            if !names.contains(name) { names.append(name) }
        }
        names.append(.uniformResourceIdentifier(OperatorIdentity.uri(for: operatorNumber)))

        let signingKey = P256.Signing.PrivateKey()
        let key = Certificate.PrivateKey(signingKey)
        let ca = self
        let certificate = try pkiAttempt({ .signingFailed(what: "certificate for node \(nodeName)", reason: $0) }) {
            let subject = try DistinguishedName {
                OrganizationName(OperatorIdentity.organizationName(for: operatorNumber))
                CommonName(nodeName)
            }
            let notAfter = min(now + Double(validityDays) * 86_400, ca.certificate.notValidAfter)
            var extensions = try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth, .clientAuth])
                SubjectAlternativeNames(names)
                SubjectKeyIdentifier(hash: key.publicKey)
            }
            if let caKeyID = try ca.certificate.extensions.subjectKeyIdentifier?.keyIdentifier {
                try extensions.append(Certificate.Extension(AuthorityKeyIdentifier(keyIdentifier: caKeyID), critical: false))
            }
            return try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
                notValidBefore: now - Self.backdating, notValidAfter: notAfter,
                issuer: ca.certificate.subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
                extensions: extensions, issuerPrivateKey: ca.privateKey)
        }
        return PEMCredential(certificatePEM: try PEMCodec.pem(of: certificate), privateKeyPEM: signingKey.pemRepresentation + "\n")
    }

    static func checkValidity(_ days: Int) throws(PKIError) {
        guard validityRange.contains(days) else {
            throw .invalidValue(what: "validity", value: "\(days) days", rule: "between \(validityRange.lowerBound) and \(validityRange.upperBound) days")
        }
    }
}

/// Issues a node certificate; the free-function form of
/// ``CertificateAuthority/issueNodeCertificate(nodeName:operator:dnsNames:ipAddresses:validityDays:now:)``.
public func issueNodeCertificate(
    ca: CertificateAuthority, nodeName: String, operator operatorNumber: UInt32, dnsNames: [String] = [],
    ipAddresses: [String] = [], validityDays: Int = CertificateAuthority.defaultNodeValidityDays, now: Date = Date()
) throws(PKIError) -> PEMCredential {
    try ca.issueNodeCertificate(nodeName: nodeName, operator: operatorNumber, dnsNames: dnsNames,
                                ipAddresses: ipAddresses, validityDays: validityDays, now: now)
}
