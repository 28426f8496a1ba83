import Testing
@testable import MXGPCore

/// One row per decision step: `better` must beat `worse` exactly at `step`.
struct DecisionRow: Sendable, CustomTestStringConvertible {
    var step: BestPathReason
    var better: Candidate
    var worse: Candidate
    var testDescription: String { step.rawValue }
}

let decisionRows: [DecisionRow] = [
    // A draining route loses to a healthy one that is worse on every later step (higher local
    // preference, cheaper, shorter path, lower operator): the step sits before local preference.
    DecisionRow(
        step: .notDraining, better: cand(1, lp: 100, price: 9, path: [1, 2, 3], op: 9),
        worse: cand(2, lp: 300, price: 0, path: [2], op: 1, draining: true)),
    DecisionRow(step: .localPref, better: cand(1, lp: 300, price: 9, path: [1, 2, 3], op: 9), worse: cand(2, lp: 200, price: 0, path: [2], op: 1)),
    DecisionRow(step: .price, better: cand(1, lp: 100, price: 1, path: [1, 2, 3], op: 9), worse: cand(2, lp: 100, price: 2, path: [2], op: 1)),
    // Equal chargebacks: the expected-cost step is a price comparison and says so.
    DecisionRow(
        step: .price, better: cand(1, price: 1, path: [1, 2, 3], op: 9, chargeback: 50, rate: 100_000),
        worse: cand(2, price: 2, path: [2], op: 1, chargeback: 50, rate: 100_000)),
    // Different chargebacks: 3 + 0 × 0.2 = 3 beats 1 + 100 × 0.2 = 21, although it is dearer.
    DecisionRow(
        step: .expectedCost, better: cand(1, price: 3, path: [1, 2, 3], op: 9, rate: 200_000),
        worse: cand(2, price: 1, path: [2], op: 1, chargeback: 100, rate: 200_000)),
    // With no expected complaints the cheaper price wins, even with a chargeback: still decided on expected cost.
    DecisionRow(
        step: .expectedCost, better: cand(1, price: 1, path: [1, 2, 3], op: 9, chargeback: 100),
        worse: cand(2, price: 3, path: [2], op: 1)),
    DecisionRow(step: .pathLength, better: cand(1, lp: 100, price: 1, path: [1, 2], op: 9), worse: cand(2, lp: 100, price: 1, path: [2, 3, 4], op: 1)),
    // Equal expected costs (1 + 100 × 0.02 = 3) fall through to the path length.
    DecisionRow(
        step: .pathLength, better: cand(1, price: 1, path: [1, 2], op: 9, chargeback: 100, rate: 20_000),
        worse: cand(2, price: 3, path: [2, 3, 4], op: 1, rate: 20_000)),
    DecisionRow(step: .neighbourOperator, better: cand(1, lp: 100, price: 1, path: [1, 2], op: 3), worse: cand(2, lp: 100, price: 1, path: [2, 3], op: 4)),
    DecisionRow(
        step: .own,
        better: Candidate(neighbour: Candidate.ownNeighbour, localPreference: ownRouteLocalPreference, price: 0, neighbourOperator: 500, attributes: attrs([])),
        worse: cand(2, lp: 300)),
]

@Suite struct DecisionTests {
    @Test(arguments: decisionRows)
    func stepDecides(row: DecisionRow) {
        let forward = DecisionProcess.decide(row.better, row.worse)
        #expect(forward?.aWins == true)
        #expect(forward?.step == row.step)
        // The reverse comparison gives the same step and the other winner.
        let reverse = DecisionProcess.decide(row.worse, row.better)
        #expect(reverse?.aWins == false)
        #expect(reverse?.step == row.step)
        #expect(DecisionProcess.reason(ranked: DecisionProcess.rank([row.worse, row.better])) == (row.step == .own ? .own : row.step))
    }

    /// Two draining routes tie on the drain step and fall through to the usual steps.
    @Test(arguments: [
        (BestPathReason.localPref, cand(1, lp: 300, price: 9, draining: true), cand(2, lp: 200, draining: true)),
        (.price, cand(1, price: 1, path: [1, 2, 3], draining: true), cand(2, price: 2, path: [2], draining: true)),
        (.pathLength, cand(1, path: [1], op: 9, draining: true), cand(2, path: [2, 3], op: 1, draining: true)),
        (.neighbourOperator, cand(1, path: [1], op: 3, draining: true), cand(2, path: [2], op: 4, draining: true)),
    ])
    func twoDrainingRoutesFallThrough(step: BestPathReason, better: Candidate, worse: Candidate) {
        #expect(DecisionProcess.decide(better, worse)?.step == step)
        #expect(DecisionProcess.decide(better, worse)?.aWins == true)
        #expect(DecisionProcess.reason(ranked: DecisionProcess.rank([worse, better])) == step)
    }

    /// A draining route is still used when it is the only one: draining ranks, it never refuses.
    @Test func drainingRouteWinsWhenAlone() {
        let ranked = DecisionProcess.rank([cand(1, lp: 300, draining: true)])
        #expect(ranked.count == 1)
        #expect(DecisionProcess.reason(ranked: ranked) == .onlyRoute)
    }

    /// The own route wins even when it would be draining.
    @Test func ownRouteBeatsDrainStep() {
        let own = Candidate(
            neighbour: Candidate.ownNeighbour, localPreference: ownRouteLocalPreference, price: 0, neighbourOperator: 500,
            attributes: attrs([]).with(draining: true))
        #expect(DecisionProcess.decide(own, cand(2, lp: 300))?.step == .own)
    }

    /// The steps in order; the drain step comes first, right before local preference.
    @Test func stepOrder() {
        #expect(DecisionProcess.steps == [.notDraining, .localPref, .price, .pathLength, .neighbourOperator])
    }

    @Test func onlyRouteReason() {
        #expect(DecisionProcess.reason(ranked: [cand(1)]) == .onlyRoute)
        #expect(DecisionProcess.reason(ranked: []) == nil)
    }

    @Test func fullTieFallsBackToNeighbourIndex() {
        let a = cand(1, op: 7), b = cand(2, op: 7)
        #expect(DecisionProcess.decide(a, b) == nil)
        #expect(DecisionProcess.isBetter(a, b))
        #expect(!DecisionProcess.isBetter(b, a))
    }

    /// Every arrival order of five routes through the engine gives the same best route and ranking.
    @Test func everyArrivalOrderGivesTheSameResult() {
        let neighbours = [
            nb("p1", 11, .provider), nb("p2", 12, .provider, price: 0), nb("peer", 13, .peer),
            nb("c1", 14, .customer), nb("c2", 15, .customer),
        ]
        let routes: [(Int, PathAttributes)] = [
            (0, attrs([11, 7], price: 1)), (1, attrs([12, 7], price: 0)), (2, attrs([13, 8, 7], otc: 13)),
            (3, attrs([14, 9, 9, 7])), (4, attrs([15, 9, 7])),
        ]
        var results: Set<[String]> = []
        for order in permutations(Array(0..<routes.count)) {
            var e = engine(neighbours: neighbours)
            for i in order {
                e.receive(UpdateMessage(attributes: routes[i].1, announced: [dn("x.example")]), from: routes[i].0)
            }
            let ranked = e.candidates(for: dn("x.example")).map { e.neighbourConfig(Int($0.neighbour)).name }
            results.insert(ranked)
            #expect(e.route(for: dn("x.example"))?.nextHop == "c2")
            #expect(e.route(for: dn("x.example"))?.reason == .pathLength)
        }
        #expect(results == [["c2", "c1", "peer", "p2", "p1"]])
    }
}

func permutations<T>(_ items: [T]) -> [[T]] {
    if items.count <= 1 { return [items] }
    var result: [[T]] = []
    for (i, item) in items.enumerated() {
        var rest = items
        rest.remove(at: i)
        for tail in permutations(rest) { result.append([item] + tail) }
    }
    return result
}
