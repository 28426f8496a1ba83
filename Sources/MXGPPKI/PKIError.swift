/// Everything that can go wrong while creating, loading or checking MXGP certificates.
///
/// Each case renders (``description``) as one sentence that says what happened, to which
/// file or value, and what to do next.
public enum PKIError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A file that is needed does not exist; `hint` says how to create it.
    case fileMissing(path: String, hint: String)
    /// A file exists but could not be read.
    case unreadable(path: String, reason: String)
    /// A file could not be written (or its directory created).
    case unwritable(path: String, reason: String)
    /// A file would be overwritten and overwriting was not allowed.
    case wouldOverwrite(path: String)
    /// A PEM text is not what was expected (`what`: "certificate" or "private key").
    case invalidPEM(source: String, what: String, reason: String)
    /// An input value is not acceptable; `rule` says what is.
    case invalidValue(what: String, value: String, rule: String)
    /// The certificate that should sign is not a CA certificate.
    case notACertificateAuthority(source: String)
    /// A private key does not belong to the certificate it is paired with.
    case keyMismatch(certificate: String, key: String)
    /// Building or signing a certificate failed inside swift-certificates / swift-crypto.
    case signingFailed(what: String, reason: String)
    /// A peer certificate carries no `mxgp:operator:` URI (or several that disagree).
    case peerCertificateHasNoOperator(subject: String)
    /// A peer certificate names one operator while the OPEN message claims another.
    case operatorMismatch(subject: String, certificateOperator: UInt32, claimedOperator: UInt32)

    public var description: String {
        switch self {
        case .fileMissing(let path, let hint):
            return "\(path) does not exist; \(hint)"
        case .unreadable(let path, let reason):
            return "cannot read \(path): \(reason); check that the file exists and is readable"
        case .unwritable(let path, let reason):
            return "cannot write \(path): \(reason); check that the directory exists and is writable"
        case .wouldOverwrite(let path):
            return "\(path) already exists; refusing to overwrite it (remove it, or pass --force to replace it)"
        case .invalidPEM(let source, let what, let reason):
            return "\(source) does not hold a valid PEM \(what): \(reason); use a file written by `mxgp pki`"
        case .invalidValue(let what, let value, let rule):
            return "\(what) \"\(value)\" is not valid; use \(rule)"
        case .notACertificateAuthority(let source):
            return "\(source) is not a CA certificate (no basicConstraints CA:true); use the ca.pem written by `mxgp pki init-ca`"
        case .keyMismatch(let certificate, let key):
            return "the private key \(key) does not belong to the certificate \(certificate); use the key written together with that certificate"
        case .signingFailed(let what, let reason):
            return "could not create the \(what): \(reason)"
        case .peerCertificateHasNoOperator(let subject):
            return "peer certificate \(subject) names no operator (no single \(OperatorIdentity.uriPrefix)<number> URI SAN); refusing the session, issue the peer a certificate with `mxgp pki issue --operator N`"
        case .operatorMismatch(let subject, let certificateOperator, let claimedOperator):
            return "peer certificate \(subject) names operator \(certificateOperator) but its OPEN claims operator \(claimedOperator); refusing the session, fix the peer's configured operator or its certificate"
        }
    }
}

/// Runs a throwing call into swift-certificates / swift-crypto and turns any error into `PKIError`.
@inline(__always)
func pkiAttempt<T>(_ makeError: (String) -> PKIError, _ body: () throws -> T) throws(PKIError) -> T {
    do {
        return try body()
    } catch let error as PKIError {
        throw error
    } catch {
        throw makeError(String(describing: error))
    }
}
