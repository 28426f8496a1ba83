import Testing
@testable import MXGPCore

/// DRAINING through the engine: a draining node marks what it exports, transit nodes pass the
/// mark on, and receivers rank marked routes below healthy ones (PROTOCOL §5.9, §9.4, §10.4).
@Suite struct DrainingExportTests {
    @Test func settingDrainingReExportsEveryRouteMarkedThenUnmarked() {
        var e = engine(neighbours: [nb("c1", 11, .customer), nb("p1", 12, .provider)], own: ["me.example"])
        let started = e.setDraining(true)
        #expect(started)
        let marked = e.flush()
        for index in 0..<2 {
            let updates = marked.updates(to: index)
            #expect(updates.flatMap(\.announced) == [dn("me.example")])
            #expect(updates.allSatisfy { $0.attributes?.draining == true })
        }
        let again = e.setDraining(true)
        #expect(!again, "setting the same value again changes nothing")
        let nothing = e.flush()
        #expect(nothing.isEmpty)
        let stopped = e.setDraining(false)
        #expect(stopped)
        let unmarked = e.flush()
        #expect(unmarked.updates(to: 1).flatMap(\.announced) == [dn("me.example")])
        #expect(unmarked.updates(to: 1).allSatisfy { $0.attributes?.draining == false })
    }

    @Test func transitNodePassesTheMarkOn() {
        var e = engine(neighbours: [nb("c1", 11, .customer), nb("p1", 12, .provider)])
        e.receive(UpdateMessage(attributes: attrs([11]).with(draining: true), announced: [dn("x.example")]), from: 0)
        let out = e.flush().updates(to: 1)
        #expect(out.flatMap(\.announced) == [dn("x.example")])
        #expect(out.first?.attributes?.draining == true)
        #expect(out.first?.attributes?.operatorPath == [500, 11])
    }

    @Test func receiverMovesToTheAlternateAndBack() {
        var e = engine(neighbours: [nb("up1", 11, .provider), nb("up2", 12, .provider)])
        e.receive(UpdateMessage(attributes: attrs([11, 7], price: 1), announced: [dn("bob.example")]), from: 0)
        e.receive(UpdateMessage(attributes: attrs([12, 7], price: 5), announced: [dn("bob.example")]), from: 1)
        #expect(e.route(for: dn("bob.example"))?.nextHop == "up1")
        #expect(e.route(for: dn("bob.example"))?.reason == .price)
        e.receive(UpdateMessage(attributes: attrs([11, 7], price: 1).with(draining: true), announced: [dn("bob.example")]), from: 0)
        let drained = e.route(for: dn("bob.example"))
        #expect(drained?.nextHop == "up2")
        #expect(drained?.reason == .notDraining)
        #expect(drained?.alternates.map(\.nextHop) == ["up1"])
        #expect(drained?.alternates.first?.reason == .notDraining)
        e.receive(UpdateMessage(attributes: attrs([11, 7], price: 1), announced: [dn("bob.example")]), from: 0)
        #expect(e.route(for: dn("bob.example"))?.nextHop == "up1")
        #expect(e.route(for: dn("bob.example"))?.reason == .price)
    }

    /// Every arrival order of four routes, two of them draining, gives the same ranking:
    /// healthy routes first (by local preference), then the draining ones (by local preference).
    @Test func everyArrivalOrderRanksDrainedRoutesLast() {
        let neighbours = [nb("c1", 11, .customer), nb("c2", 12, .customer), nb("peer", 13, .peer), nb("p1", 14, .provider)]
        let routes: [(Int, PathAttributes)] = [
            (0, attrs([11, 7]).with(draining: true)), (1, attrs([12, 9, 9, 7])), (2, attrs([13, 7])), (3, attrs([14, 7]).with(draining: true)),
        ]
        var results: Set<[String]> = []
        for order in permutations(Array(0..<routes.count)) {
            var e = engine(neighbours: neighbours)
            for i in order { e.receive(UpdateMessage(attributes: routes[i].1, announced: [dn("x.example")]), from: routes[i].0) }
            results.insert(e.candidates(for: dn("x.example")).map { e.neighbourConfig(Int($0.neighbour)).name })
            #expect(e.route(for: dn("x.example"))?.reason == .localPref)
            #expect(e.route(for: dn("x.example"))?.alternates.map(\.reason) == [.localPref, .notDraining, .notDraining])
        }
        #expect(results == [["c2", "peer", "c1", "p1"]])
    }
}
