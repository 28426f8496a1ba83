import NIOCore
import Testing
@testable import MXGPCore

/// One row of the contract-by-country table: a domain in `countries` under `coverage` with
/// default price `defaultPrice` costs `expected` (nil: not covered, so not exported).
struct CoverageRow: Sendable, CustomTestStringConvertible {
    var name: String
    var coverage: ContractCoverage
    var countries: [String]
    var expected: UInt32?
    var testDescription: String { name }
}

private func countries(_ codes: [String]) -> Set<Country> { Set(codes.map { Country($0)! }) }
private func prices(_ table: [String: UInt32]) -> [Country: UInt32] {
    Dictionary(uniqueKeysWithValues: table.map { (Country($0.key)!, $0.value) })
}

let coverageRows: [CoverageRow] = [
    CoverageRow(name: "no terms: everything at the default", coverage: .everywhere, countries: ["DE"], expected: 5),
    CoverageRow(name: "no terms, unknown country", coverage: .everywhere, countries: [], expected: 5),
    CoverageRow(name: "country price", coverage: ContractCoverage(prices: prices(["DE": 2])), countries: ["DE"], expected: 2),
    CoverageRow(name: "another country at the default", coverage: ContractCoverage(prices: prices(["DE": 2])), countries: ["FR"], expected: 5),
    CoverageRow(name: "covers: inside", coverage: ContractCoverage(covers: countries(["DE", "FR"])), countries: ["FR"], expected: 5),
    CoverageRow(name: "covers: outside", coverage: ContractCoverage(covers: countries(["DE", "FR"])), countries: ["US"], expected: nil),
    CoverageRow(name: "covers: unknown country is outside", coverage: ContractCoverage(covers: countries(["DE"])), countries: [], expected: nil),
    CoverageRow(
        name: "several countries: the cheapest covered", coverage: ContractCoverage(covers: countries(["DE", "AT"]), prices: prices(["DE": 4, "AT": 3])),
        countries: ["AT", "CH", "DE"], expected: 3),
]

/// A registry that knows countries but validates every origin.
struct CountryBook: OriginValidating {
    var table: [String: [Country]]
    func validate(domain: DomainName, origin: OperatorNumber) -> OriginValidity { .valid }
    func countries(of domain: DomainName) -> [Country] { table[domain.text] ?? [] }
}

@Suite struct CountryContractTests {
    @Test(arguments: coverageRows)
    func coverage(row: CoverageRow) {
        #expect(row.coverage.price(for: row.countries.map { Country($0)! }, defaultPrice: 5) == row.expected)
    }

    /// A provider announces to a customer only the covered routes, at the country's price,
    /// with the contract's CHARGEBACK; a peer gets every route at 0 and no chargeback.
    @Test func exportFollowsTheContract() {
        let book = CountryBook(table: ["shop.de": [Country("DE")!], "shop.us": [Country("US")!]])
        var e = engine(neighbours: [
            nb("cust", 7, .customer),
            NeighbourRoutingConfig(
                name: "colo", operatorNumber: 8, relationship: .customer, contractPrice: 6,
                coverage: ContractCoverage(covers: Set([Country("DE")!, Country("FR")!]), prices: [Country("DE")!: 1]), chargeback: 40),
            nb("peer", 9, .peer),
        ])
        e.originValidator = book
        e.receive(UpdateMessage(attributes: attrs([7]), announced: [dn("shop.de"), dn("shop.us")]), from: 0)
        let out = Dictionary(grouping: e.flush(), by: \.neighbour)
        let toColo = announcements(out[1] ?? [])
        #expect(toColo.keys.sorted() == ["shop.de"])
        #expect(toColo["shop.de"]?.price == 1 && toColo["shop.de"]?.chargeback == 40)
        let toPeer = announcements(out[2] ?? [])
        #expect(toPeer.keys.sorted() == ["shop.de", "shop.us"])
        #expect(toPeer["shop.de"]?.price == 0 && toPeer["shop.de"]?.chargeback == 0)
    }

    /// A node that refuses a destination country exports no route for it, to anyone, and
    /// relay control refuses it; its own domains are never refused.
    @Test func refusedDestinationsAreNotAnnounced() {
        let book = CountryBook(table: ["shop.ru": [Country("RU")!], "shop.us": [Country("US")!], "me.example": [Country("RU")!]])
        var e = engine(neighbours: [nb("cust", 7, .customer), nb("peer", 9, .peer)], own: ["me.example"], refuseDestinations: ["RU"])
        e.originValidator = book
        e.receive(UpdateMessage(attributes: attrs([7]), announced: [dn("shop.ru"), dn("shop.us")]), from: 0)
        _ = e.flush()
        #expect(e.adjRIBOut(of: 1).map(\.0.text) == ["me.example", "shop.us"])
        #expect(RelayDecision.refusedDestination(dn("shop.ru"), engine: e) == Country("RU"))
        #expect(RelayDecision.mayAccept(domain: dn("shop.ru"), from: .localClient, engine: e) == false)
        #expect(RelayDecision.mayAccept(domain: dn("shop.us"), from: .localClient, engine: e))
        #expect(RelayDecision.mayAccept(domain: dn("me.example"), from: .stranger, engine: e))
    }

    /// A new complaint rate re-ranks the domains with a chargeback and re-exports the new best.
    @Test func aHigherComplaintRateMovesToTheRouteWithoutChargeback() {
        var e = engine(neighbours: [nb("cheap", 7, .provider), nb("dear", 8, .provider), nb("cust", 9, .customer)])
        e.receive(UpdateMessage(attributes: attrs([7, 1], price: 1).with(chargeback: 100), announced: [dn("dst.example")]), from: 0)
        e.receive(UpdateMessage(attributes: attrs([8, 1], price: 3), announced: [dn("dst.example")]), from: 1)
        _ = e.flush()
        #expect(e.route(for: dn("dst.example"))?.nextHop == "cheap")
        #expect(e.route(for: dn("dst.example"))?.reason == .expectedCost)
        e.setComplaintRate(200_000)
        #expect(e.route(for: dn("dst.example"))?.nextHop == "dear")
        #expect(e.route(for: dn("dst.example"))?.alternates.first?.reason == .expectedCost)
        let toCustomer = announcements(e.flush().filter { $0.neighbour == 2 })
        #expect(toCustomer["dst.example"]?.operatorPath == [500, 8, 1])
    }

    /// The learned rate: (complaints + prior × weight) / (sent + weight), in ppm, halves up.
    @Test(arguments: [
        (0, 0, 0.0, 100, UInt32(0)), (0, 0, 0.01, 100, 10_000), (4, 10, 0.0, 10, 200_000), (1, 999_999, 0.0, 0, 1),
        (1, 1_999_999, 0.0, 1, 1), (10, 0, 0.0, 0, 0), (0, 0, 0.5, 0, 500_000), (5, 5, 0.0, 0, 1_000_000),
    ])
    func learnedRate(complaints: Int, sent: Int, prior: Double, weight: Int, expected: UInt32) {
        #expect(ExpectedCost.ratePPM(complaints: complaints, sent: sent, prior: prior, weight: weight) == expected)
    }

    /// A transit node passes on only the regions every route of its own refuses: with an
    /// alternate that accepts DE mail, its customer learns no refusal; without one, it does.
    @Test func transitPassesOnOnlyWhatEveryRouteRefuses() {
        var e = engine(neighbours: [nb("strict", 7, .provider), nb("open", 8, .provider), nb("cust", 9, .customer)])
        e.receive(UpdateMessage(attributes: attrs([7, 1], price: 1, regions: ["DE"]), announced: [dn("dst.example")]), from: 0)
        e.receive(UpdateMessage(attributes: attrs([8, 1], price: 5), announced: [dn("dst.example")]), from: 1)
        var toCustomer = announcements(e.flush().filter { $0.neighbour == 2 })
        #expect(toCustomer["dst.example"]?.operatorPath == [500, 7, 1])
        #expect(toCustomer["dst.example"]?.regionPolicy == [])
        e.receive(UpdateMessage(withdrawn: [dn("dst.example")]), from: 1)
        toCustomer = announcements(e.flush().filter { $0.neighbour == 2 })
        #expect(toCustomer["dst.example"]?.regionPolicy == [Region("DE")!])
    }

    /// Per message: candidates whose REGION_POLICY lists the origin region are skipped; local
    /// clients (whose mail originates in the node's region) are refused when every route refuses it.
    @Test func regionsAreDecidedPerMessage() {
        var e = engine(neighbours: [nb("strict", 7, .provider), nb("open", 8, .provider)], region: "DE")
        e.receive(UpdateMessage(attributes: attrs([7, 1], price: 1, regions: ["DE"]), announced: [dn("dst.example")]), from: 0)
        #expect(e.route(for: dn("dst.example"))?.nextHop == "strict")  // kept: a node in a refused region does not drop it
        #expect(RelayDecision.mayAccept(domain: dn("dst.example"), from: .localClient, engine: e) == false)
        e.receive(UpdateMessage(attributes: attrs([8, 1], price: 5), announced: [dn("dst.example")]), from: 1)
        #expect(RelayDecision.mayAccept(domain: dn("dst.example"), from: .localClient, engine: e))
        guard case .forward(let hops) = RelayDecision.target(for: dn("dst.example"), in: e) else { Issue.record("no route"); return }
        let de = RelayDecision.usable(hops, crossed: [], origin: Region("DE"))
        #expect(de.candidates.map(\.neighbour) == ["open"])
        #expect(RelayDecision.usable(hops, crossed: [], origin: Region("US")).candidates.map(\.neighbour) == ["strict", "open"])
        let none = RelayDecision.usable(Array(hops.prefix(1)), crossed: [], origin: Region("DE"))
        #expect(none.candidates.isEmpty && none.error.contains("refuses mail originating in DE"))
        #expect(RelayDecision.usable(hops, crossed: ["strict", "open"], origin: Region("DE")).error == RelayDecision.loopOnly)
    }

    /// CHARGEBACK on the wire: round trip, and a bad length makes the block malformed
    /// (treat-as-withdraw), never a crash.
    @Test func chargebackAttributeCodec() throws {
        let attributes = attrs([7, 1], price: 2).with(chargeback: 75)
        var buffer = ByteBuffer()
        attributes.encode(into: &buffer)
        var copy = buffer
        #expect(try AttributeDecoder.decode(&copy).get() == attributes)
        #expect(attributes.encodedSize == buffer.readableBytes)
        // Same block with the CHARGEBACK length set to 3.
        var bytes = buffer.readBytes(length: buffer.readableBytes)!
        let at = bytes.count - 8
        #expect(bytes[at + 1] == AttributeType.chargeback.rawValue)
        bytes[at + 3] = 3
        var bad = ByteBuffer(bytes: bytes.dropLast())
        guard case .failure(let problem) = AttributeDecoder.decode(&bad) else { Issue.record("accepted a bad CHARGEBACK"); return }
        #expect(problem.detail.contains("CHARGEBACK"))
    }
}

/// The announcements of some flush results, by domain.
func announcements(_ outbound: [OutboundUpdates]) -> [String: PathAttributes] {
    var result: [String: PathAttributes] = [:]
    for out in outbound {
        for case .update(let update) in out.messages {
            for domain in update.announced { result[domain.text] = update.attributes }
        }
    }
    return result
}
