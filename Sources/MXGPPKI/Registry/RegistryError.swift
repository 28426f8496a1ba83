import Foundation

/// Everything that can go wrong while creating, signing, loading or checking an origin registry.
///
/// Each case renders (``description``) as one sentence: what happened, to which file, and what
/// to do next.
public enum RegistryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Reading or writing a file failed.
    case file(PKIError)
    /// The registry file is not a well-formed registry document.
    case malformed(source: String, reason: String)
    /// A key file does not hold the expected Ed25519 key.
    case invalidKey(source: String, what: String, reason: String)
    /// The registry has no signature.
    case unsigned(source: String)
    /// The signature does not verify with the configured public key.
    case badSignature(source: String, key: String)
    /// The registry's validity period has not started.
    case notYetValid(source: String, notBefore: Date, now: Date)
    /// The registry's validity period is over.
    case expired(source: String, notAfter: Date, now: Date)

    public var description: String {
        switch self {
        case .file(let error):
            return error.description
        case .malformed(let source, let reason):
            return "\(source) is not a valid origin registry: \(reason); write it with `mxgp registry create` (see docs/PROTOCOL.md §14)"
        case .invalidKey(let source, let what, let reason):
            return "\(source) does not hold an \(what): \(reason); create the key pair with `mxgp registry init-key`"
        case .unsigned(let source):
            return "origin registry \(source) is not signed; sign it with `mxgp registry sign \(source) --key KEY`"
        case .badSignature(let source, let key):
            return "the signature of origin registry \(source) does not verify with public key \(key): the file was changed after signing or signed with another key; sign it again with `mxgp registry sign` or configure the matching public key"
        case .notYetValid(let source, let notBefore, let now):
            return "origin registry \(source) is not valid before \(RegistryTime.text(notBefore)) (now \(RegistryTime.text(now))); check the clock or create one valid from now with `mxgp registry create`"
        case .expired(let source, let notAfter, let now):
            return "origin registry \(source) expired at \(RegistryTime.text(notAfter)) (now \(RegistryTime.text(now))); create and sign a new one with `mxgp registry create` (or `mxgp registry sign --valid-days N`)"
        }
    }
}

/// Registry timestamps: RFC 3339 UTC with whole seconds (`2025-01-31T12:00:00Z`).
public enum RegistryTime {
    /// The text of `date`, rounded down to the second.
    public static func text(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)))
    }

    /// Parses the text written by ``text(_:)`` (any RFC 3339 offset is accepted).
    public static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
