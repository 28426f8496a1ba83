import Testing
@testable import MXGPCore

/// Valley-free export: (learned from, sent to, exported?).
struct ExportRow: Sendable, CustomTestStringConvertible {
    var from: Relationship?  // nil: own domain
    var to: Relationship
    var exported: Bool
    var testDescription: String { "\(from?.rawValue ?? "own") -> \(to.rawValue)" }
}

let exportRows: [ExportRow] = [
    ExportRow(from: nil, to: .customer, exported: true),
    ExportRow(from: nil, to: .peer, exported: true),
    ExportRow(from: nil, to: .provider, exported: true),
    ExportRow(from: .customer, to: .customer, exported: true),
    ExportRow(from: .customer, to: .peer, exported: true),
    ExportRow(from: .customer, to: .provider, exported: true),
    ExportRow(from: .peer, to: .customer, exported: true),
    ExportRow(from: .peer, to: .peer, exported: false),
    ExportRow(from: .peer, to: .provider, exported: false),
    ExportRow(from: .provider, to: .customer, exported: true),
    ExportRow(from: .provider, to: .peer, exported: false),
    ExportRow(from: .provider, to: .provider, exported: false),
]

@Suite struct ExportTests {
    @Test(arguments: exportRows)
    func valleyFree(row: ExportRow) {
        var e = engine(neighbours: [nb("src", 7, row.from ?? .peer), nb("dst", 8, row.to, price: 4)], own: row.from == nil ? ["mine.example"] : [])
        let domain = row.from == nil ? dn("mine.example") : dn("x.example")
        if row.from == nil {
            e.routeRefreshRequested(by: 1)  // the own domain already went out with the initial table
        } else {
            let otc: OperatorNumber? = row.from == .peer ? 7 : nil
            e.receive(UpdateMessage(attributes: attrs([7, 9], otc: otc), announced: [domain]), from: 0)
        }
        let out = e.flush().updates(to: 1)
        let announced = out.flatMap(\.announced)
        #expect(announced.contains(domain) == row.exported)
        if row.exported, let sent = out.first(where: { $0.announced.contains(domain) })?.attributes {
            #expect(sent.operatorPath.first == 500)
            #expect(sent.nextHop == "10.0.0.1:25")
            #expect(sent.price == (row.to == .customer ? 4 : 0))
            // RFC 9234 egress: OTC is added toward customers and peers.
            if row.to != .provider { #expect(sent.onlyToCustomer != nil) }
        }
    }

    @Test func notSentBackToItsSource() {
        var e = engine(neighbours: [nb("c", 7, .customer)])
        e.receive(UpdateMessage(attributes: attrs([7]), announced: [dn("c.example")]), from: 0)
        #expect(e.flush().updates(to: 0).isEmpty)
    }

    @Test func withdrawnWhenTheBestRouteGoes() {
        var e = engine(neighbours: [nb("c", 7, .customer), nb("p", 8, .provider)])
        e.receive(UpdateMessage(attributes: attrs([7]), announced: [dn("c.example")]), from: 0)
        #expect(e.flush().updates(to: 1).flatMap(\.announced) == [dn("c.example")])
        e.receive(UpdateMessage(withdrawn: [dn("c.example")]), from: 0)
        #expect(e.flush().updates(to: 1).flatMap(\.withdrawn) == [dn("c.example")])
        #expect(e.adjRIBOut(of: 1).isEmpty)
    }

    @Test func neighbourUpGetsTheFullTableThenEndOfRIB() {
        var e = RoutingEngine(
            local: LocalRoutingConfig(name: "me", operatorNumber: 500, role: .colo, region: Region("US")!, nextHop: "h:25", ownDomains: [dn("a.example"), dn("b.example")]),
            neighbours: [nb("p", 8, .provider)])
        e.neighbourUp(0)
        let out = e.flush()
        #expect(out.updates(to: 0).flatMap(\.announced).sorted() == [dn("a.example"), dn("b.example")])
        // Own domains share one attribute set, so they travel in one UPDATE.
        #expect(out.updates(to: 0).count == 1)
        #expect(out.first?.messages.last == .endOfRIB)
        #expect(e.flush().isEmpty)
    }

    @Test func largeTablesAreSplitWithinTheMessageSize() {
        var local = LocalRoutingConfig(name: "me", operatorNumber: 500, role: .colo, region: Region("US")!, nextHop: "h:25")
        local.maximumMessageSize = 4096
        local.ownDomains = (0..<2000).map { dn("domain-\($0).example") }
        var e = RoutingEngine(local: local, neighbours: [nb("p", 8, .provider)])
        e.neighbourUp(0)
        let messages = e.flush().flatMap(\.messages)
        #expect(messages.count > 5)
        for message in messages {
            #expect(message.encoded().readableBytes <= 4096)
        }
        #expect(messages.compactMap { if case .update(let u) = $0 { return u.announced.count } else { return nil } }.reduce(0, +) == 2000)
    }

    @Test func refusedRegionsAreAnnounced() {
        var e = engine(neighbours: [nb("c", 7, .customer), nb("p", 8, .provider)], refuse: ["RU"])
        e.receive(UpdateMessage(attributes: attrs([7]), announced: [dn("c.example")]), from: 0)
        let sent = e.flush().updates(to: 1).first?.attributes
        #expect(sent?.regionPolicy == [Region("RU")!])
    }

    @Test func routeRefreshResendsEverything() {
        var e = engine(neighbours: [nb("c", 7, .customer), nb("p", 8, .provider)], own: ["mine.example"])
        _ = e.flush()
        e.routeRefreshRequested(by: 1)
        #expect(e.flush().updates(to: 1).flatMap(\.announced) == [dn("mine.example")])
    }
}

@Suite struct ExportEdgeTests {
    /// A withdrawal pending when ROUTE-REFRESH arrives must not be lost.
    @Test func routeRefreshKeepsPendingWithdrawals() {
        var e = engine(neighbours: [nb("c", 7, .customer), nb("p", 8, .provider)])
        e.receive(UpdateMessage(attributes: attrs([7]), announced: [dn("c.example")]), from: 0)
        _ = e.flush()
        e.receive(UpdateMessage(withdrawn: [dn("c.example")]), from: 0)
        e.routeRefreshRequested(by: 1)
        let out = e.flush().updates(to: 1)
        #expect(out.flatMap(\.withdrawn) == [dn("c.example")])
        #expect(out.flatMap(\.announced).isEmpty)
    }

    @Test func pathsThatWouldOverflowAreNotExported() {
        var e = engine(neighbours: [nb("c", 7, .customer), nb("p", 8, .provider)])
        let long = [7] + Array(repeating: OperatorNumber(9), count: 254)
        e.receive(UpdateMessage(attributes: attrs(long), announced: [dn("long.example")]), from: 0)
        #expect(e.route(for: dn("long.example")) != nil)
        #expect(e.flush().updates(to: 1).isEmpty)
    }
}
