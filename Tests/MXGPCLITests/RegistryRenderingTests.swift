import Foundation
import MXGPCore
import MXGPPKI
import Testing
@testable import MXGPCLI

/// `mxgp registry create --entry` and `mxgp registry show`: an entry's countries in and out.
@Suite struct RegistryRenderingTests {
    @Test(arguments: [
        ("64501:alice.example", 64501, "alice.example", 0, [String]()),
        ("64501:alice.example:1", 64501, "alice.example", 1, []),
        ("64501:alice.de:0:DE", 64501, "alice.de", 0, ["DE"]),
        ("64501:shop.example:2:fr,de", 64501, "shop.example", 2, ["DE", "FR"]),
    ])
    func entriesParse(text: String, operatorNumber: Int, suffix: String, depth: Int, countries: [String]) throws {
        let entry = try #require(RegistryCreateCommand.parseEntry(text))
        #expect(entry.operatorNumber == UInt32(operatorNumber))
        #expect(entry.suffix.text == suffix)
        #expect(entry.maxDepth == depth)
        #expect(entry.countries.map(\.code) == countries)
    }

    @Test(arguments: ["64501", "0:alice.example", "64501:alice.example:x", "64501:alice.example:0:", "64501:alice.example:0:DEU",
                      "64501:alice.example:0:DE,", "64501:alice.example:0:DE:FR"])
    func badEntriesAreRefused(text: String) {
        #expect(RegistryCreateCommand.parseEntry(text) == nil, "\(text) was taken")
    }

    @Test func showPrintsEachEntrysCountries() throws {
        let registry = OriginRegistry(serial: 7, entries: [
            try #require(RegistryCreateCommand.parseEntry("64501:alice.de:0:DE")),
            try #require(RegistryCreateCommand.parseEntry("64502:bob.example")),
        ])
        let document = SignedOriginRegistry(registry: registry, notBefore: Date(timeIntervalSince1970: 1_780_000_000), validityDays: 30)
        let lines = RegistryShowCommand.text(document).split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        #expect(lines.contains("SUFFIX OPERATOR MAX-DEPTH COUNTRIES"), "\(lines)")
        #expect(lines.contains("alice.de 64501 0 DE"), "\(lines)")
        #expect(lines.contains("bob.example 64502 0 -"), "\(lines)")
    }
}
