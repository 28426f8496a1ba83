import Crypto
import Foundation

/// The Ed25519 key pair that signs an origin registry, as PEM files OpenSSL also reads:
/// the private key as PKCS #8 (`BEGIN PRIVATE KEY`), the public key as SubjectPublicKeyInfo
/// (`BEGIN PUBLIC KEY`).
public struct RegistrySigningKey: Sendable {
    /// The private key.
    public let key: Curve25519.Signing.PrivateKey

    /// A new random key.
    public init() { key = Curve25519.Signing.PrivateKey() }

    /// Wraps an existing key.
    public init(key: Curve25519.Signing.PrivateKey) { self.key = key }

    /// Reads a private key PEM; `source` names it in errors.
    public init(pem: String, source: String) throws(RegistryError) {
        let raw = try RegistryKeyPEM.decode(pem, label: "PRIVATE KEY", prefix: RegistryKeyPEM.pkcs8Prefix, source: source, what: "Ed25519 private key")
        do {
            key = try Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        } catch {
            throw .invalidKey(source: source, what: "Ed25519 private key", reason: String(describing: error))
        }
    }

    /// The matching public key.
    public var publicKey: RegistryPublicKey { RegistryPublicKey(key: key.publicKey) }

    /// The private key as PKCS #8 PEM.
    public var pemText: String { RegistryKeyPEM.encode(RegistryKeyPEM.pkcs8Prefix + [UInt8](key.rawRepresentation), label: "PRIVATE KEY") }
}

/// The Ed25519 public key nodes verify an origin registry with.
public struct RegistryPublicKey: Sendable, Equatable {
    /// The public key.
    public let key: Curve25519.Signing.PublicKey

    /// Wraps an existing key.
    public init(key: Curve25519.Signing.PublicKey) { self.key = key }

    /// Reads a public key PEM; `source` names it in errors.
    public init(pem: String, source: String) throws(RegistryError) {
        let raw = try RegistryKeyPEM.decode(pem, label: "PUBLIC KEY", prefix: RegistryKeyPEM.spkiPrefix, source: source, what: "Ed25519 public key")
        do {
            key = try Curve25519.Signing.PublicKey(rawRepresentation: raw)
        } catch {
            throw .invalidKey(source: source, what: "Ed25519 public key", reason: String(describing: error))
        }
    }

    /// The public key as SubjectPublicKeyInfo PEM.
    public var pemText: String { RegistryKeyPEM.encode(RegistryKeyPEM.spkiPrefix + [UInt8](key.rawRepresentation), label: "PUBLIC KEY") }

    /// SHA-256 of the raw key, first 8 bytes in hex: a short name for the key in output.
    public var fingerprint: String {
        SHA256.hash(data: key.rawRepresentation).prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    public static func == (a: RegistryPublicKey, b: RegistryPublicKey) -> Bool { a.key.rawRepresentation == b.key.rawRepresentation }
}

/// PEM framing of raw Ed25519 keys (RFC 8410): a fixed DER prefix and the 32 key bytes.
enum RegistryKeyPEM {
    /// PKCS #8 OneAsymmetricKey, version 0, algorithm id-Ed25519, then OCTET STRING of the 32-byte seed.
    static let pkcs8Prefix: [UInt8] = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]
    /// SubjectPublicKeyInfo, algorithm id-Ed25519, then BIT STRING of the 32-byte key.
    static let spkiPrefix: [UInt8] = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]

    static func encode(_ der: [UInt8], label: String) -> String {
        let base64 = Data(der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return "-----BEGIN \(label)-----\n\(base64)\n-----END \(label)-----\n"
    }

    static func decode(_ pem: String, label: String, prefix: [UInt8], source: String, what: String) throws(RegistryError) -> [UInt8] {
        let begin = "-----BEGIN \(label)-----", end = "-----END \(label)-----"
        guard let start = pem.range(of: begin), let stop = pem.range(of: end, range: start.upperBound..<pem.endIndex) else {
            throw .invalidKey(source: source, what: what, reason: "no \(begin) … \(end) block")
        }
        let body = pem[start.upperBound..<stop.lowerBound].filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: String(body)) else { throw .invalidKey(source: source, what: what, reason: "the PEM body is not base64") }
        let der = [UInt8](data)
        guard der.count == prefix.count + 32, Array(der.prefix(prefix.count)) == prefix else {
            throw .invalidKey(source: source, what: what, reason: "not an Ed25519 key (\(der.count) DER bytes)")
        }
        return Array(der.suffix(32))
    }
}
