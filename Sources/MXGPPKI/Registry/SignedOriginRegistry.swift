import Crypto
import Foundation
import MXGPCore

/// An origin registry as a file (docs/PROTOCOL.md §14): the entries, a serial, a validity
/// period and an Ed25519 signature over the canonical encoding (``canonicalText``).
///
/// ```json
/// {
///   "format": "mxgp-origin-registry/1",
///   "serial": 1,
///   "notBefore": "2025-01-01T00:00:00Z",
///   "notAfter": "2026-01-01T00:00:00Z",
///   "entries": [ { "operator": 64501, "suffix": "alice.example", "maxDepth": 0, "countries": ["DE"] } ],
///   "signature": "<base64 of 64 bytes>"
/// }
/// ```
///
/// Everything here is pure (the clock is passed in); reading and writing files is in
/// ``OriginRegistryFiles``.
public struct SignedOriginRegistry: Sendable, Equatable {
    /// The `format` value of version 1.
    public static let format = "mxgp-origin-registry/1"
    /// Validity of a new registry unless told otherwise.
    public static let defaultValidityDays = 365

    /// Serial and entries.
    public var registry: OriginRegistry
    /// Start of the validity period.
    public var notBefore: Date
    /// End of the validity period.
    public var notAfter: Date
    /// The Ed25519 signature over ``canonicalText``; nil when unsigned.
    public var signature: [UInt8]?

    /// Creates an unsigned registry valid from `notBefore` (whole seconds) for `validityDays`.
    public init(registry: OriginRegistry, notBefore: Date, validityDays: Int = SignedOriginRegistry.defaultValidityDays, signature: [UInt8]? = nil) {
        self.registry = registry
        self.notBefore = Date(timeIntervalSince1970: notBefore.timeIntervalSince1970.rounded(.down))
        self.notAfter = self.notBefore.addingTimeInterval(TimeInterval(validityDays) * 86_400)
        self.signature = signature
    }

    /// The bytes that are signed: UTF-8 lines ending in LF — the format, `serial N`,
    /// `not-before T`, `not-after T`, then `entry SUFFIX OPERATOR MAXDEPTH` per entry in
    /// canonical order (suffix, operator, depth), followed by ` countries C1,C2` when the entry
    /// records countries (sorted ISO 3166 alpha-2 codes).
    public var canonicalText: String {
        var lines = [Self.format, "serial \(registry.serial)", "not-before \(RegistryTime.text(notBefore))", "not-after \(RegistryTime.text(notAfter))"]
        lines += registry.entries.map {
            "entry \($0.suffix.text) \($0.operatorNumber) \($0.maxDepth)" + ($0.countries.isEmpty ? "" : " countries " + $0.countries.map(\.code).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// This registry signed with `key` (any old signature is replaced).
    public func signed(with key: RegistrySigningKey) throws(RegistryError) -> SignedOriginRegistry {
        var copy = self
        do {
            copy.signature = [UInt8](try key.key.signature(for: Data(canonicalText.utf8)))
        } catch {
            throw .malformed(source: "the registry", reason: "signing failed (\(error))")
        }
        return copy
    }

    /// Checks the signature with `publicKey` and that `now` is inside the validity period.
    /// `source` and `keySource` name the files in errors.
    public func verify(with publicKey: RegistryPublicKey, now: Date, source: String, keySource: String) throws(RegistryError) {
        guard let signature else { throw .unsigned(source: source) }
        guard publicKey.key.isValidSignature(Data(signature), for: Data(canonicalText.utf8)) else {
            throw .badSignature(source: source, key: keySource)
        }
        if now < notBefore { throw .notYetValid(source: source, notBefore: notBefore, now: now) }
        if now >= notAfter { throw .expired(source: source, notAfter: notAfter, now: now) }
    }

    // MARK: JSON

    /// The document as pretty JSON with sorted keys (what the files hold).
    public var jsonText: String {
        let document = Document(
            format: Self.format, serial: registry.serial, notBefore: RegistryTime.text(notBefore), notAfter: RegistryTime.text(notAfter),
            entries: registry.entries.map { Document.Entry(
                operator: $0.operatorNumber, suffix: $0.suffix.text, maxDepth: $0.maxDepth,
                countries: $0.countries.isEmpty ? nil : $0.countries.map(\.code)) },
            signature: signature.map { Data($0).base64EncodedString() })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(document)) ?? Data(), as: UTF8.self) + "\n"
    }

    /// Parses a registry document; `source` names it in errors. The signature is not checked.
    public static func parse(json: String, source: String) throws(RegistryError) -> SignedOriginRegistry {
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: Data(json.utf8))
        } catch {
            throw .malformed(source: source, reason: describe(error))
        }
        guard document.format == format else {
            throw .malformed(source: source, reason: "format is \"\(document.format)\", expected \"\(format)\"")
        }
        guard let notBefore = RegistryTime.parse(document.notBefore), let notAfter = RegistryTime.parse(document.notAfter) else {
            throw .malformed(source: source, reason: "notBefore and notAfter must be RFC 3339 times like 2025-01-31T12:00:00Z")
        }
        guard notBefore < notAfter else { throw .malformed(source: source, reason: "notAfter is not after notBefore") }
        var entries: [OriginAuthorization] = []
        for (index, entry) in document.entries.enumerated() {
            guard let suffix = DomainName(entry.suffix) else {
                throw .malformed(source: source, reason: "entries[\(index)].suffix \"\(entry.suffix)\" is not a domain name")
            }
            guard entry.operator != 0 else { throw .malformed(source: source, reason: "entries[\(index)].operator is 0") }
            guard (0...OriginRegistry.maximumDepth).contains(entry.maxDepth) else {
                throw .malformed(source: source, reason: "entries[\(index)].maxDepth \(entry.maxDepth) is not in 0…\(OriginRegistry.maximumDepth)")
            }
            var countries: [Country] = []
            for (k, code) in (entry.countries ?? []).enumerated() {
                guard let country = Country(code), country.code == code else {
                    throw .malformed(source: source, reason: "entries[\(index)].countries[\(k)] \"\(code)\" is not an upper-case ISO 3166 alpha-2 code such as DE")
                }
                countries.append(country)
            }
            entries.append(OriginAuthorization(operatorNumber: entry.operator, suffix: suffix, maxDepth: entry.maxDepth, countries: countries))
        }
        var signature: [UInt8]?
        if let text = document.signature {
            guard let data = Data(base64Encoded: text), data.count == 64 else {
                throw .malformed(source: source, reason: "signature is not the base64 of 64 bytes")
            }
            signature = [UInt8](data)
        }
        var result = SignedOriginRegistry(registry: OriginRegistry(serial: document.serial, entries: entries), notBefore: notBefore, signature: signature)
        result.notAfter = notAfter
        return result
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing key \"\(path(context.codingPath + [key]))\""
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "wrong type at \"\(path(context.codingPath))\""
        case DecodingError.dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not JSON" : "bad value at \"\(path(context.codingPath))\""
        default:
            return String(describing: error)
        }
    }

    static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
    }

    /// The JSON shape.
    struct Document: Codable {
        struct Entry: Codable {
            var `operator`: UInt32
            var suffix: String
            var maxDepth: Int
            /// ISO 3166 alpha-2 codes of the countries the domains are in (absent: none recorded).
            var countries: [String]? = nil
        }

        var format: String
        var serial: UInt32
        var notBefore: String
        var notAfter: String
        var entries: [Entry]
        var signature: String?
    }
}

/// Reading and writing registry and key files.
public enum OriginRegistryFiles {
    /// Reads a registry document (not verified).
    public static func read(_ path: String) throws(RegistryError) -> SignedOriginRegistry {
        try SignedOriginRegistry.parse(json: readText(path, missingHint: "create it with `mxgp registry create`"), source: path)
    }

    /// Reads a public key file.
    public static func readPublicKey(_ path: String) throws(RegistryError) -> RegistryPublicKey {
        try RegistryPublicKey(pem: readText(path, missingHint: "create the key pair with `mxgp registry init-key`"), source: path)
    }

    /// Reads a private key file.
    public static func readSigningKey(_ path: String) throws(RegistryError) -> RegistrySigningKey {
        try RegistrySigningKey(pem: readText(path, missingHint: "create the key pair with `mxgp registry init-key`"), source: path)
    }

    static func readText(_ path: String, missingHint: String) throws(RegistryError) -> String {
        do {
            return try PKIFiles.read(path, missingHint: missingHint)
        } catch {
            throw .file(error)
        }
    }

    /// What a node does at start: reads the registry and the public key, checks the signature
    /// and the validity period at `now`, and returns the entries to validate routes with.
    public static func loadVerified(registry path: String, publicKey keyPath: String, now: Date = Date()) throws(RegistryError) -> OriginRegistry {
        let document = try read(path)
        try document.verify(with: readPublicKey(keyPath), now: now, source: path, keySource: keyPath)
        return document.registry
    }

    /// Writes a registry document (0644).
    public static func write(_ registry: SignedOriginRegistry, to path: String, overwrite: Bool = true) throws(RegistryError) {
        do {
            try PKIFiles.write(registry.jsonText, to: path, mode: PKIFiles.certificateMode, overwrite: overwrite)
        } catch {
            throw .file(error)
        }
    }

    /// Writes a key pair: the private key at `keyPath` (0600), the public key at `publicKeyPath` (0644).
    public static func write(_ key: RegistrySigningKey, keyPath: String, publicKeyPath: String, overwrite: Bool) throws(RegistryError) {
        do throws(PKIError) {
            if !overwrite {
                for path in [keyPath, publicKeyPath] where FileManager.default.fileExists(atPath: path) { throw PKIError.wouldOverwrite(path: path) }
            }
            try PKIFiles.write(key.pemText, to: keyPath, mode: PKIFiles.privateKeyMode, overwrite: overwrite)
            try PKIFiles.write(key.publicKey.pemText, to: publicKeyPath, mode: PKIFiles.certificateMode, overwrite: overwrite)
        } catch {
            throw .file(error)
        }
    }
}
