import Testing
@testable import MXGPCore

@Suite struct NextHopHealthTests {
    @Test func penaltiesGrowQuadraticallyAndAreCapped() {
        var health = NextHopHealth(base: .seconds(1), cap: .seconds(20))
        var lengths: [Duration] = []
        for _ in 0..<6 {
            health.failed("up1", error: "connection refused", now: .zero)
            lengths.append(health.penalty(of: "up1")!.until)
        }
        #expect(lengths == [.seconds(1), .seconds(4), .seconds(9), .seconds(16), .seconds(20), .seconds(20)])
        #expect(health.isPenalised("up1", now: .seconds(19)))
        #expect(!health.isPenalised("up1", now: .seconds(20)))
        health.succeeded("up1")
        #expect(health.penalty(of: "up1") == nil)
        #expect(!health.isPenalised("up2", now: .zero))
    }

    @Test func earliestRecovery() {
        var health = NextHopHealth(base: .seconds(2))
        health.failed("a", error: "x", now: .seconds(10))
        health.failed("b", error: "x", now: .seconds(11))
        #expect(health.earliestRecovery(of: ["a", "b", "c"], now: .seconds(10)) == .seconds(12))
    }
}

@Suite struct RelayDecisionTests {
    /// me (500): customer c (7) announces c.example; providers p (8) and q (9) announce the default route.
    func table() -> RoutingEngine {
        var e = engine(neighbours: [nb("c", 7, .customer), nb("p", 8, .provider), nb("q", 9, .provider)], own: ["mine.example"])
        e.receive(UpdateMessage(attributes: attrs([7], nextHop: "10.0.0.7:25"), announced: [dn("c.example")]), from: 0)
        e.receive(UpdateMessage(attributes: attrs([8, 1], nextHop: "10.0.0.8:25"), announced: [dn(".")]), from: 1)
        e.receive(UpdateMessage(attributes: attrs([9, 2, 1], nextHop: "10.0.0.9:25"), announced: [dn(".")]), from: 2)
        _ = e.flush()
        return e
    }

    @Test func targets() {
        let e = table()
        #expect(RelayDecision.target(for: dn("mine.example"), in: e) == .local)
        #expect(RelayDecision.target(for: dn("x.c.example"), in: e) == .forward([NextHopCandidate(neighbour: "c", endpoint: "10.0.0.7:25")]))
        #expect(RelayDecision.target(for: dn("far.test"), in: e) == .forward([
            NextHopCandidate(neighbour: "p", endpoint: "10.0.0.8:25"), NextHopCandidate(neighbour: "q", endpoint: "10.0.0.9:25"),
        ]))
        let empty = engine(neighbours: [])
        #expect(RelayDecision.target(for: dn("far.test"), in: empty) == .noRoute)
    }

    @Test func penalisedNextHopsGoLast() {
        let candidates = [NextHopCandidate(neighbour: "p", endpoint: "a:25"), NextHopCandidate(neighbour: "q", endpoint: "b:25")]
        var health = NextHopHealth()
        health.failed("p", error: "421 4.3.2 overloaded", now: .zero)
        #expect(RelayDecision.order(candidates, health: health, now: .milliseconds(10)).map(\.neighbour) == ["q", "p"])
        #expect(RelayDecision.order(candidates, health: health, now: .seconds(5)).map(\.neighbour) == ["p", "q"])
    }

    /// The open-relay table of DESIGN §3.
    @Test(arguments: [
        (MailSource.stranger, "mine.example", true),
        (MailSource.stranger, "c.example", false),
        (MailSource.stranger, "far.test", false),
        (MailSource.localClient, "far.test", true),
        (MailSource.localClient, "c.example", true),
        (MailSource.neighbour("c"), "far.test", true),       // we announce the default route to our customer
        (MailSource.neighbour("p"), "c.example", true),      // customer routes go to providers
        (MailSource.neighbour("p"), "far.test", false),      // no transit between providers
        (MailSource.neighbour("q"), "mine.example", true),
        (MailSource.neighbour("ghost"), "c.example", false),
    ])
    func relayControl(source: MailSource, domain: String, accepted: Bool) {
        #expect(RelayDecision.mayAccept(domain: dn(domain), from: source, engine: table()) == accepted)
    }
}

/// Mail is never handed back to a node it has crossed (`mxgp sim explore` seed 385: two
/// peering Tier 1s handed a message to each other and the second dedupe lost it).
@Suite struct RelayLoopTests {
    static let candidates = ["up2", "t1b", "t1c"].map { NextHopCandidate(neighbour: $0, endpoint: "\($0):25") }

    @Test(arguments: [
        (["colo1", "up1", "t1b", "t1a"], ["up2", "t1c"]),
        (["colo1", "up1", "t1a"], ["up2", "t1b", "t1c"]),
        (["colo9", "up2", "t1b", "t1c", "t1a"], []),
        ([], ["up2", "t1b", "t1c"]),
    ])
    func candidatesThatLoopAreLeftOut(crossed: [String], kept: [String]) {
        #expect(RelayDecision.withoutLoops(Self.candidates, crossed: crossed).map(\.neighbour) == kept)
    }
}
