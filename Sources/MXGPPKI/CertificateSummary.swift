import Crypto
import Foundation
import SwiftASN1
import X509

/// What `mxgp pki show` prints about a certificate; `Encodable` for `--json`.
public struct CertificateSummary: Encodable, Sendable, Equatable {
    public var subject: String
    public var issuer: String
    /// The serial number in colon-separated hex.
    public var serialNumber: String
    /// ISO 8601, UTC.
    public var notValidBefore: String
    /// ISO 8601, UTC.
    public var notValidAfter: String
    public var isCertificateAuthority: Bool
    public var dnsNames: [String]
    public var ipAddresses: [String]
    public var uris: [String]
    /// The operator named by the `mxgp:operator:` URI SAN, if any.
    public var `operator`: UInt32?
    /// Key usages, e.g. `digitalSignature`, `keyCertSign`.
    public var keyUsage: [String]
    /// Extended key usages, e.g. `serverAuth`, `clientAuth`.
    public var extendedKeyUsage: [String]
    /// SHA-256 of the DER certificate, colon-separated upper-case hex.
    public var sha256Fingerprint: String

    /// Summarises `certificate`.
    public init(_ certificate: Certificate) throws(PKIError) {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        subject = certificate.subject.description
        issuer = certificate.issuer.description
        serialNumber = certificate.serialNumber.bytes.map(Self.hex).joined(separator: ":")
        notValidBefore = formatter.string(from: certificate.notValidBefore)
        notValidAfter = formatter.string(from: certificate.notValidAfter)
        let extensions = certificate.extensions
        if case .isCertificateAuthority = try? extensions.basicConstraints { isCertificateAuthority = true } else { isCertificateAuthority = false }
        dnsNames = []
        ipAddresses = []
        uris = []
        for name in (try? extensions.subjectAlternativeNames) ?? SubjectAlternativeNames() {
            switch name {
            case .dnsName(let dns): dnsNames.append(dns)
            case .ipAddress(let bytes): ipAddresses.append(PKINames.ipAddressText(bytes.bytes))
            case .uniformResourceIdentifier(let uri): uris.append(uri)
            default: break
            }
        }
        `operator` = OperatorIdentity.operatorNumber(fromCertificate: certificate)
        keyUsage = []
        if let usage = try? extensions.keyUsage {
            let flags: [(Bool, String)] = [
                (usage.digitalSignature, "digitalSignature"), (usage.nonRepudiation, "nonRepudiation"),
                (usage.keyEncipherment, "keyEncipherment"), (usage.dataEncipherment, "dataEncipherment"),
                (usage.keyAgreement, "keyAgreement"), (usage.keyCertSign, "keyCertSign"), (usage.cRLSign, "cRLSign"),
            ]
            keyUsage = flags.filter(\.0).map(\.1)
        }
        extendedKeyUsage = ((try? extensions.extendedKeyUsage) ?? ExtendedKeyUsage()).map { usage in
            switch usage {
            case .serverAuth: "serverAuth"
            case .clientAuth: "clientAuth"
            default: usage.description
            }
        }
        let der = try PEMCodec.der(of: certificate)
        sha256Fingerprint = SHA256.hash(data: der).map { Self.hex($0).uppercased() }.joined(separator: ":")
    }

    /// Two lower-case hex digits.
    static func hex(_ byte: UInt8) -> String {
        let text = String(byte, radix: 16)
        return text.count == 1 ? "0" + text : text
    }

    /// Summarises the first certificate of a PEM text.
    public init(pem: String, source: String) throws(PKIError) {
        try self.init(PEMCodec.certificate(fromPEM: pem, source: source))
    }

    /// The text `mxgp pki show` prints: one `label: value` line per field.
    public var text: String {
        func list(_ values: [String]) -> String { values.isEmpty ? "-" : values.joined(separator: ", ") }
        let rows: [(String, String)] = [
            ("subject", subject),
            ("issuer", issuer),
            ("serial", serialNumber),
            ("not before", notValidBefore),
            ("not after", notValidAfter),
            ("CA", isCertificateAuthority ? "yes" : "no"),
            ("operator", `operator`.map(String.init) ?? "none"),
            ("DNS names", list(dnsNames)),
            ("IP addresses", list(ipAddresses)),
            ("URIs", list(uris)),
            ("key usage", list(keyUsage)),
            ("extended key usage", list(extendedKeyUsage)),
            ("SHA-256", sha256Fingerprint),
        ]
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { label, value in
            label + ":" + String(repeating: " ", count: width - label.count + 1) + value
        }.joined(separator: "\n") + "\n"
    }
}
