import Foundation
import MXGPCore
import Testing
@testable import MXGPPKI

/// A domain's countries are part of the signed registry (issue 12, item 1): per-country
/// contracts and destination refusals go by them, so a changed country must not verify.
@Suite struct SignedOriginRegistryCountriesTests {
    static let start = Date(timeIntervalSince1970: 1_735_689_600)  // 2025-01-01T00:00:00Z
    static let key = RegistrySigningKey()
    static let registry = OriginRegistry(serial: 1, entries: [
        OriginAuthorization(operatorNumber: 64502, suffix: DomainName("shop.example")!, countries: [Country("DE")!]),
        OriginAuthorization(operatorNumber: 64501, suffix: DomainName("colo.example")!),
    ])

    static func signed() throws -> SignedOriginRegistry {
        try SignedOriginRegistry(registry: registry, notBefore: start, validityDays: 30).signed(with: key)
    }

    static func verify(_ document: SignedOriginRegistry) throws {
        try document.verify(with: key.publicKey, now: start.addingTimeInterval(3600), source: "r.json", keySource: "r.pub")
    }

    @Test func countriesAreInTheSignedTextAndSurviveTheFile() throws {
        let document = try Self.signed()
        #expect(document.canonicalText.contains("\nentry colo.example 64501 0\nentry shop.example 64502 0 countries DE\n"))
        let again = try SignedOriginRegistry.parse(json: document.jsonText, source: "r.json")
        #expect(again.registry.countries(of: DomainName("shop.example")!) == [Country("DE")!])
        try Self.verify(again)
    }

    /// (change, text replaced, replacement) in the signed file: each one breaks the signature.
    @Test(arguments: [
        ("another country", #""DE""#, #""FR""#),
        ("an added country", #""DE""#, #""DE", "RU""#),
        ("no country at all", #""DE""#, ""),
    ])
    func changingACountryFailsVerification(change: String, of: String, with replacement: String) throws {
        let text = try Self.signed().jsonText
        let tampered = text.replacingOccurrences(of: of, with: replacement)
        #expect(tampered != text, "the edit must change the file: \(change)")
        let document = try SignedOriginRegistry.parse(json: tampered, source: "r.json")
        #expect(document.registry != Self.registry, "the edit must change the registry: \(change)")
        #expect(throws: RegistryError.badSignature(source: "r.json", key: "r.pub")) { try Self.verify(document) }
    }
}
