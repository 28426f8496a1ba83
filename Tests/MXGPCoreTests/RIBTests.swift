import Testing
@testable import MXGPCore

@Suite struct RIBTests {
    @Test(arguments: [
        ("x@a.b.example", "b.example"),
        ("x@b.example", "b.example"),
        ("x@c.example", "example"),
        ("x@other.test", "."),
        ("x@EXAMPLE", "example"),
    ])
    func longestLabelWiseSuffix(address: String, expected: String) {
        var e = engine(neighbours: [nb("p", 7, .provider)])
        e.receive(UpdateMessage(attributes: attrs([7]), announced: [dn("."), dn("example"), dn("b.example"), dn("ab.example")]), from: 0)
        #expect(e.lookup(domainOfAddress(address)!)?.domain == dn(expected))
    }

    @Test func labelWiseNotStringWise() {
        #expect(!dn("xb.example").isUnder(dn("b.example")))
        #expect(dn("a.b.example").isUnder(dn("b.example")))
        #expect(dn("a.b.example").suffixes.map(\.text) == ["a.b.example", "b.example", "example", "."])
    }

    @Test(arguments: ["", "-a.example", "a-.example", "a..b", "ex ample", String(repeating: "a", count: 64) + ".x", "ü.example"])
    func invalidDomainNames(text: String) {
        #expect(DomainName(text) == nil)
    }

    @Test func neighbourDownWithdrawsItsRoutesAndFailsOverToTheAlternate() {
        var e = engine(neighbours: [nb("c", 7, .customer), nb("p", 8, .provider)])
        e.receive(UpdateMessage(attributes: attrs([7, 9]), announced: [dn("d.example")]), from: 0)
        e.receive(UpdateMessage(attributes: attrs([8, 9]), announced: [dn("d.example")]), from: 1)
        #expect(e.route(for: dn("d.example"))?.nextHop == "c")
        #expect(e.route(for: dn("d.example"))?.alternates.map(\.nextHop) == ["p"])
        e.neighbourDown(0)
        #expect(e.route(for: dn("d.example"))?.nextHop == "p")
        #expect(e.route(for: dn("d.example"))?.reason == .onlyRoute)
    }

    @Test func implicitWithdrawReplacesTheNeighboursRoute() {
        var e = engine(neighbours: [nb("p", 7, .provider), nb("q", 8, .provider)])
        e.receive(UpdateMessage(attributes: attrs([7, 9]), announced: [dn("d.example")]), from: 0)
        e.receive(UpdateMessage(attributes: attrs([8, 1, 9]), announced: [dn("d.example")]), from: 1)
        #expect(e.route(for: dn("d.example"))?.nextHop == "p")
        e.receive(UpdateMessage(attributes: attrs([7, 2, 3, 9]), announced: [dn("d.example")]), from: 0)
        #expect(e.route(for: dn("d.example"))?.nextHop == "q")
        #expect(e.candidates(for: dn("d.example")).count == 2)
    }

    @Test func ownDomainsAlwaysWin() {
        var e = engine(neighbours: [nb("c", 7, .customer)], own: ["mine.example"])
        e.receive(UpdateMessage(attributes: attrs([7]), announced: [dn("mine.example")]), from: 0)
        let route = e.route(for: dn("mine.example"))
        #expect(route?.nextHop == nil)
        #expect(route?.path == [])
        #expect(route?.reason == .own)
    }

    @Test func updatesBeforeEstablishedAreIgnored() {
        var e = RoutingEngine(local: LocalRoutingConfig(name: "me", operatorNumber: 500, role: .colo, region: Region("US")!, nextHop: "h:25"), neighbours: [nb("p", 7, .provider)])
        #expect(e.receive(UpdateMessage(attributes: attrs([7]), announced: [dn("d.example")]), from: 0) == 0)
        #expect(e.route(for: dn("d.example")) == nil)
    }
}
