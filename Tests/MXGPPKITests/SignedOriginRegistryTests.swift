import Foundation
import MXGPCore
import Testing
@testable import MXGPPKI

/// The signed registry document: canonical text, signature, tamper detection, validity, files.
@Suite struct SignedOriginRegistryTests {
    static let start = Date(timeIntervalSince1970: 1_735_689_600)  // 2025-01-01T00:00:00Z
    static let key = RegistrySigningKey()
    static let registry = OriginRegistry(serial: 3, entries: [
        OriginAuthorization(operatorNumber: 64502, suffix: DomainName("bob.example")!, maxDepth: 1),
        OriginAuthorization(operatorNumber: 64501, suffix: DomainName("alice.example")!),
    ])

    static func signed() throws -> SignedOriginRegistry {
        try SignedOriginRegistry(registry: registry, notBefore: start, validityDays: 30).signed(with: key)
    }

    func verify(_ document: SignedOriginRegistry, now: Date = start.addingTimeInterval(3600), key: RegistryPublicKey = key.publicKey) throws {
        try document.verify(with: key, now: now, source: "r.json", keySource: "r.pub")
    }

    @Test func canonicalText() {
        let document = SignedOriginRegistry(registry: Self.registry, notBefore: Self.start, validityDays: 30)
        #expect(document.canonicalText == """
            mxgp-origin-registry/1
            serial 3
            not-before 2025-01-01T00:00:00Z
            not-after 2025-01-31T00:00:00Z
            entry alice.example 64501 0
            entry bob.example 64502 1

            """)
    }

    @Test func signedRoundTripVerifies() throws {
        let document = try Self.signed()
        let again = try SignedOriginRegistry.parse(json: document.jsonText, source: "r.json")
        #expect(again == document)
        try verify(again)
    }

    /// Every change to what is signed breaks the signature: (change, text replaced, replacement).
    @Test(arguments: [
        ("another operator for alice.example", "64501", "64666"),
        ("a deeper max depth", "\"maxDepth\" : 1", "\"maxDepth\" : 5"),
        ("a higher serial", "\"serial\" : 3", "\"serial\" : 4"),
        ("a longer validity", "2025-01-31", "2035-01-31"),
        ("an added entry", "\"entries\" : [", "\"entries\" : [ { \"operator\": 666, \"suffix\": \"bank.example\", \"maxDepth\": 0 },"),
    ])
    func tamperingIsDetected(change: String, of: String, with replacement: String) throws {
        let text = try Self.signed().jsonText
        let tampered = text.replacingOccurrences(of: of, with: replacement)
        #expect(tampered != text, "the edit must change the file: \(change)")
        let document = try SignedOriginRegistry.parse(json: tampered, source: "r.json")
        #expect(throws: RegistryError.badSignature(source: "r.json", key: "r.pub")) { try verify(document) }
    }

    @Test func anotherKeyDoesNotVerify() throws {
        #expect(throws: RegistryError.badSignature(source: "r.json", key: "r.pub")) {
            try verify(try Self.signed(), key: RegistrySigningKey().publicKey)
        }
    }

    @Test func unsignedExpiredAndNotYetValidAreRefused() throws {
        let unsigned = SignedOriginRegistry(registry: Self.registry, notBefore: Self.start, validityDays: 30)
        #expect(throws: RegistryError.unsigned(source: "r.json")) { try verify(unsigned) }
        let document = try Self.signed()
        let late = Self.start.addingTimeInterval(31 * 86_400)
        #expect(throws: RegistryError.expired(source: "r.json", notAfter: document.notAfter, now: late)) { try verify(document, now: late) }
        let early = Self.start.addingTimeInterval(-1)
        #expect(throws: RegistryError.notYetValid(source: "r.json", notBefore: Self.start, now: early)) { try verify(document, now: early) }
        let message = RegistryError.expired(source: "r.json", notAfter: document.notAfter, now: late).description
        #expect(message.contains("r.json expired at 2025-01-31T00:00:00Z") && message.contains("mxgp registry create"))
    }

    @Test(arguments: [
        ("{", "not JSON"),
        (#"{"format": "x", "serial": 1, "notBefore": "2025-01-01T00:00:00Z", "notAfter": "2026-01-01T00:00:00Z", "entries": []}"#, "format is \"x\""),
        (#"{"format": "mxgp-origin-registry/1", "serial": 1, "notBefore": "2025-01-01T00:00:00Z", "notAfter": "2026-01-01T00:00:00Z"}"#, "missing key \"entries\""),
        (#"{"format": "mxgp-origin-registry/1", "serial": 1, "notBefore": "2025-01-01T00:00:00Z", "notAfter": "2026-01-01T00:00:00Z", "entries": [{"operator": 1, "suffix": "a..b", "maxDepth": 0}]}"#, "entries[0].suffix"),
        (#"{"format": "mxgp-origin-registry/1", "serial": 1, "notBefore": "2025-01-01T00:00:00Z", "notAfter": "2026-01-01T00:00:00Z", "entries": [{"operator": 1, "suffix": "a.b", "maxDepth": 200}]}"#, "entries[0].maxDepth 200"),
        (#"{"format": "mxgp-origin-registry/1", "serial": 1, "notBefore": "2025-01-01T00:00:00Z", "notAfter": "2026-01-01T00:00:00Z", "entries": [], "signature": "AAAA"}"#, "signature is not"),
        (#"{"format": "mxgp-origin-registry/1", "serial": 1, "notBefore": "2026-01-01T00:00:00Z", "notAfter": "2025-01-01T00:00:00Z", "entries": []}"#, "notAfter is not after"),
    ])
    func malformedDocumentsSayWhatIsWrong(json: String, message: String) {
        #expect {
            _ = try SignedOriginRegistry.parse(json: json, source: "r.json")
        } throws: { error in
            "\(error)".contains(message) && "\(error)".hasPrefix("r.json is not a valid origin registry")
        }
    }

    @Test func keysAndFilesRoundTrip() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mxgp-registry-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let key = RegistrySigningKey()
        try OriginRegistryFiles.write(key, keyPath: "\(directory)/r.key", publicKeyPath: "\(directory)/r.pub", overwrite: false)
        #expect(throws: RegistryError.file(.wouldOverwrite(path: "\(directory)/r.key"))) {
            try OriginRegistryFiles.write(key, keyPath: "\(directory)/r.key", publicKeyPath: "\(directory)/r.pub", overwrite: false)
        }
        let mode = try FileManager.default.attributesOfItem(atPath: "\(directory)/r.key")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let readKey = try OriginRegistryFiles.readSigningKey("\(directory)/r.key")
        #expect(readKey.publicKey == key.publicKey)
        #expect(try OriginRegistryFiles.readPublicKey("\(directory)/r.pub") == key.publicKey)
        #expect(key.pemText.hasPrefix("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI"))
        #expect(key.publicKey.pemText.hasPrefix("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA"))

        let document = try SignedOriginRegistry(registry: Self.registry, notBefore: Date().addingTimeInterval(-60)).signed(with: readKey)
        try OriginRegistryFiles.write(document, to: "\(directory)/r.json")
        let loaded = try OriginRegistryFiles.loadVerified(registry: "\(directory)/r.json", publicKey: "\(directory)/r.pub")
        #expect(loaded == Self.registry)
        #expect(throws: RegistryError.self) { try OriginRegistryFiles.loadVerified(registry: "\(directory)/nope.json", publicKey: "\(directory)/r.pub") }
        #expect(throws: RegistryError.self) { try OriginRegistryFiles.readPublicKey("\(directory)/r.key") }
    }
}
