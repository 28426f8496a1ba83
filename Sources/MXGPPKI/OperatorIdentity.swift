import SwiftASN1
import X509

/// How an MXGP certificate names its operator, and how a node checks it.
///
/// The authoritative carrier is a URI subject alternative name `mxgp:operator:<number>`,
/// with `<number>` the operator in decimal (1…4294967295, no sign, no leading zeros).
/// The subject's organization (`O = MXGP operator <number>`) repeats it for people but is
/// never read by software.
public enum OperatorIdentity {
    /// The prefix of the URI SAN; the operator number follows it.
    public static let uriPrefix = "mxgp:operator:"

    /// The URI SAN for `operatorNumber`, e.g. `mxgp:operator:64501`.
    public static func uri(for operatorNumber: UInt32) -> String {
        uriPrefix + String(operatorNumber)
    }

    /// The organization name put in the subject for `operatorNumber`.
    public static func organizationName(for operatorNumber: UInt32) -> String {
        "MXGP operator \(operatorNumber)"
    }

    /// The operator a URI names, or nil when it is not a well-formed `mxgp:operator:` URI.
    /// The scheme is matched case-insensitively (RFC 3986); the rest exactly.
    public static func operatorNumber(fromURI uri: String) -> UInt32? {
        let scheme = "mxgp:"
        guard uri.utf8.count > uriPrefix.utf8.count,
              uri.prefix(scheme.count).lowercased() == scheme,
              uri.dropFirst(scheme.count).hasPrefix("operator:")
        else { return nil }
        let digits = uri.dropFirst(uriPrefix.count)
        guard digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              digits.first != "0",
              let number = UInt32(digits)
        else { return nil }
        return number
    }

    /// The operator `certificate` names through its `mxgp:operator:` URI SAN.
    ///
    /// Nil when the certificate has no such URI, when one is malformed, or when several
    /// disagree: a certificate names exactly one operator or none.
    public static func operatorNumber(fromCertificate certificate: Certificate) -> UInt32? {
        guard let names = try? certificate.extensions.subjectAlternativeNames else { return nil }
        var found: UInt32?
        for case .uniformResourceIdentifier(let uri) in names {
            guard uri.lowercased().hasPrefix(uriPrefix) else { continue }
            guard let number = operatorNumber(fromURI: uri) else { return nil }
            if let found, found != number { return nil }
            found = number
        }
        return found
    }

    /// The operator named by a DER-encoded certificate (for example from swift-nio-ssl's
    /// `NIOSSLCertificate.toDERBytes()`); nil when the bytes are not a certificate or name none.
    public static func operatorNumber(fromCertificate der: [UInt8]) -> UInt32? {
        guard let certificate = try? Certificate(derEncoded: der) else { return nil }
        return operatorNumber(fromCertificate: certificate)
    }

    /// Checks that the peer's certificate names the operator its OPEN claims.
    ///
    /// The node calls this after the TLS handshake (which already verified the chain) when
    /// the OPEN arrives; the thrown ``PKIError`` is the log line that explains the refusal.
    public static func verifyPeer(certificateDER der: [UInt8], claimedOperator: UInt32) throws(PKIError) {
        guard let certificate = try? Certificate(derEncoded: der) else {
            throw .peerCertificateHasNoOperator(subject: "(unparseable certificate)")
        }
        try verifyPeer(certificate: certificate, claimedOperator: claimedOperator)
    }

    /// ``verifyPeer(certificateDER:claimedOperator:)`` for a parsed certificate.
    public static func verifyPeer(certificate: Certificate, claimedOperator: UInt32) throws(PKIError) {
        let subject = "\"\(certificate.subject)\""
        guard let named = operatorNumber(fromCertificate: certificate) else {
            throw .peerCertificateHasNoOperator(subject: subject)
        }
        guard named == claimedOperator else {
            throw .operatorMismatch(subject: subject, certificateOperator: named, claimedOperator: claimedOperator)
        }
    }
}

/// The operator named by `certificate`; see ``OperatorIdentity/operatorNumber(fromCertificate:)-(Certificate)``.
public func operatorNumber(fromCertificate certificate: Certificate) -> UInt32? {
    OperatorIdentity.operatorNumber(fromCertificate: certificate)
}

/// The operator named by a DER-encoded certificate; see ``OperatorIdentity/operatorNumber(fromCertificate:)-([UInt8])``.
public func operatorNumber(fromCertificate der: [UInt8]) -> UInt32? {
    OperatorIdentity.operatorNumber(fromCertificate: der)
}
