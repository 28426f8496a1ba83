import Testing
@testable import MXGPCore

struct EligibilityRow: Sendable, CustomTestStringConvertible {
    var name: String
    var attributes: PathAttributes
    var neighbourOperator: OperatorNumber
    var relationship: Relationship
    var expected: IneligibleReason?
    var testDescription: String { name }
}

let eligibilityRows: [EligibilityRow] = [
    EligibilityRow(name: "clean provider route", attributes: attrs([7, 9]), neighbourOperator: 7, relationship: .provider, expected: nil),
    EligibilityRow(name: "own operator in path", attributes: attrs([7, 500, 9]), neighbourOperator: 7, relationship: .provider, expected: .loop),
    EligibilityRow(name: "path starts elsewhere", attributes: attrs([8, 9]), neighbourOperator: 7, relationship: .customer, expected: .firstOperatorMismatch),
    EligibilityRow(name: "OTC from a customer is a leak", attributes: attrs([7, 9], otc: 9), neighbourOperator: 7, relationship: .customer, expected: .otcLeak),
    EligibilityRow(name: "OTC from a peer that did not set it", attributes: attrs([7, 9], otc: 9), neighbourOperator: 7, relationship: .peer, expected: .otcLeak),
    EligibilityRow(name: "OTC set by the peer itself", attributes: attrs([7, 9], otc: 7), neighbourOperator: 7, relationship: .peer, expected: nil),
    EligibilityRow(name: "OTC from a provider", attributes: attrs([7, 9], otc: 9), neighbourOperator: 7, relationship: .provider, expected: nil),
    EligibilityRow(name: "a path refusing our region stays eligible (decided per message)", attributes: attrs([7, 9], regions: ["US"]), neighbourOperator: 7, relationship: .provider, expected: nil),
    EligibilityRow(name: "path refuses another region", attributes: attrs([7, 9], regions: ["RU"]), neighbourOperator: 7, relationship: .provider, expected: nil),
]

@Suite struct EligibilityTests {
    @Test(arguments: eligibilityRows)
    func eligibility(row: EligibilityRow) {
        let got = Eligibility.check(
            attributes: row.attributes, localOperator: 500,
            neighbourOperator: row.neighbourOperator, relationship: row.relationship)
        #expect(got == row.expected)
    }

    @Test func ineligibleRoutesStayInAdjRIBInButNotLocRIB() {
        var e = engine(neighbours: [nb("p", 7, .provider)])
        e.receive(UpdateMessage(attributes: attrs([7, 500]), announced: [dn("loop.example")]), from: 0)
        #expect(e.route(for: dn("loop.example")) == nil)
        #expect(e.adjRIBIn(of: 0).first?.1.ineligible == .loop)
    }

    @Test func ingressMarksOTCFromProvidersAndPeers() {
        let a = attrs([7, 9])
        #expect(Eligibility.markingOnlyToCustomer(a, neighbourOperator: 7, relationship: .provider).onlyToCustomer == 7)
        #expect(Eligibility.markingOnlyToCustomer(a, neighbourOperator: 7, relationship: .peer).onlyToCustomer == 7)
        #expect(Eligibility.markingOnlyToCustomer(a, neighbourOperator: 7, relationship: .customer).onlyToCustomer == nil)
    }

    struct Invalidator: OriginValidating {
        func validate(domain: DomainName, origin: OperatorNumber) -> OriginValidity { origin == 666 ? .invalid : .valid }
    }

    @Test func originInvalidRoutesAreIneligible() {
        var e = engine(neighbours: [nb("p", 7, .provider)])
        e.originValidator = Invalidator()
        e.receive(UpdateMessage(attributes: attrs([7, 666]), announced: [dn("bank.example")]), from: 0)
        e.receive(UpdateMessage(attributes: attrs([7, 9]), announced: [dn("shop.example")]), from: 0)
        #expect(e.route(for: dn("bank.example")) == nil)
        #expect(e.adjRIBIn(of: 0).first { $0.0 == dn("bank.example") }?.1.ineligible == .originInvalid)
        #expect(e.route(for: dn("shop.example")) != nil)
    }
}
