import Testing
@testable import MXGPCore

struct OriginValidationRow: Sendable, CustomTestStringConvertible {
    var name: String
    var domain: String
    var origin: OperatorNumber
    var expected: OriginValidity
    var testDescription: String { name }
}

/// alice.example: 64501 exactly; bob.example: 64502 and one label below; shared.example: two
/// operators; corp: 64504 up to three labels below.
let originRegistry = OriginRegistry(serial: 7, entries: [
    OriginAuthorization(operatorNumber: 64501, suffix: dn("alice.example")),
    OriginAuthorization(operatorNumber: 64502, suffix: dn("bob.example"), maxDepth: 1),
    OriginAuthorization(operatorNumber: 64503, suffix: dn("shared.example")),
    OriginAuthorization(operatorNumber: 64513, suffix: dn("shared.example")),
    OriginAuthorization(operatorNumber: 64504, suffix: dn("corp"), maxDepth: 3),
])

let originValidationRows: [OriginValidationRow] = [
    OriginValidationRow(name: "owner originates its domain", domain: "alice.example", origin: 64501, expected: .valid),
    OriginValidationRow(name: "another operator originates it (hijack)", domain: "alice.example", origin: 666, expected: .invalid),
    OriginValidationRow(name: "owner goes deeper than max depth 0", domain: "mail.alice.example", origin: 64501, expected: .invalid),
    OriginValidationRow(name: "hijacker announces a more specific name", domain: "mail.alice.example", origin: 666, expected: .invalid),
    OriginValidationRow(name: "owner within max depth 1", domain: "eu.bob.example", origin: 64502, expected: .valid),
    OriginValidationRow(name: "owner beyond max depth 1", domain: "x.eu.bob.example", origin: 64502, expected: .invalid),
    OriginValidationRow(name: "first of two authorised operators", domain: "shared.example", origin: 64503, expected: .valid),
    OriginValidationRow(name: "second of two authorised operators", domain: "shared.example", origin: 64513, expected: .valid),
    OriginValidationRow(name: "neither authorised operator", domain: "shared.example", origin: 64501, expected: .invalid),
    OriginValidationRow(name: "depth 3 under a one-label suffix", domain: "a.b.c.corp", origin: 64504, expected: .valid),
    OriginValidationRow(name: "no entry covers the domain", domain: "carol.example", origin: 64501, expected: .notFound),
    OriginValidationRow(name: "a parent of a registered suffix is not covered", domain: "example", origin: 666, expected: .notFound),
    OriginValidationRow(name: "label-wise, not text-wise suffix", domain: "malice.example", origin: 666, expected: .notFound),
    OriginValidationRow(name: "the default route is not covered", domain: ".", origin: 666, expected: .notFound),
]

@Suite struct OriginRegistryTests {
    @Test(arguments: originValidationRows)
    func validation(row: OriginValidationRow) {
        #expect(originRegistry.validate(domain: dn(row.domain), origin: row.origin) == row.expected)
    }

    @Test func rootEntryCoversEveryDomain() {
        let registry = OriginRegistry(serial: 1, entries: [OriginAuthorization(operatorNumber: 1, suffix: .root, maxDepth: 127)])
        #expect(registry.validate(domain: dn("any.where.example"), origin: 1) == .valid)
        #expect(registry.validate(domain: dn("any.where.example"), origin: 2) == .invalid)
    }

    @Test func entriesAreCanonicalAndDeduplicated() {
        let a = OriginAuthorization(operatorNumber: 2, suffix: dn("b.example"))
        let b = OriginAuthorization(operatorNumber: 1, suffix: dn("a.example"))
        #expect(OriginRegistry(serial: 1, entries: [a, b, a]).entries == [b, a])
        #expect(OriginRegistry(serial: 1, entries: [a, b]) == OriginRegistry(serial: 1, entries: [b, a]))
    }

    @Test func engineRecordsValidityAndCountsInvalidRoutes() {
        var e = engine(neighbours: [nb("p", 7, .provider), nb("q", 8, .provider)], own: ["alice.example"])
        e.originValidator = originRegistry
        e.receive(UpdateMessage(attributes: attrs([7, 666]), announced: [dn("alice.example"), dn("bob.example")]), from: 0)
        e.receive(UpdateMessage(attributes: attrs([8, 64502]), announced: [dn("bob.example"), dn("carol.example")]), from: 1)
        // The same invalid route again is not counted twice.
        e.receive(UpdateMessage(attributes: attrs([7, 666]), announced: [dn("alice.example"), dn("bob.example")]), from: 0)
        #expect(e.originInvalidRoutes == 2)
        #expect(e.adjRIBIn(of: 0).map(\.1.ineligible) == [.originInvalid, .originInvalid])
        #expect(e.adjRIBIn(of: 1).map(\.1.validity) == [.valid, .notFound])
        // This node (500) is not alice.example's registered origin: its own route shows as
        // invalid, but own routes are never checked for eligibility.
        #expect(e.route(for: dn("alice.example"))?.validation == .invalid)
        #expect(e.route(for: dn("alice.example"))?.reason == .own)
        #expect(e.route(for: dn("bob.example"))?.nextHop == "q")
        #expect(e.route(for: dn("bob.example"))?.validation == .valid)
        #expect(e.route(for: dn("carol.example"))?.validation == .notFound)
    }

    @Test func withoutValidatorTheHijackWinsAndNothingIsValidated() {
        var e = engine(neighbours: [nb("evil", 666, .customer), nb("q", 8, .provider)])
        e.receive(UpdateMessage(attributes: attrs([666]), announced: [dn("alice.example")]), from: 0)
        e.receive(UpdateMessage(attributes: attrs([8, 64501]), announced: [dn("alice.example")]), from: 1)
        #expect(e.route(for: dn("alice.example"))?.nextHop == "evil")
        #expect(e.route(for: dn("alice.example"))?.validation == nil)
        e.originValidator = originRegistry
        e.reevaluateAll()
        #expect(e.route(for: dn("alice.example"))?.nextHop == "q")
        #expect(e.originInvalidRoutes == 1)
    }
}
