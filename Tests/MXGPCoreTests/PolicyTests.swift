import Testing
@testable import MXGPCore

struct PolicyRow: Sendable, CustomTestStringConvertible {
    var name: String
    var policy: Policy
    var domain: String
    var neighbour: String
    var attributes: PathAttributes
    var accepted: Bool
    var localPref: UInt32?
    var price: UInt32?
    var prepend: Int = 0
    var communities: [Community] = []
    var testDescription: String { name }
}

let bad = PolicyMatch(domainSuffix: DomainName("bad.example"))
let policyRows: [PolicyRow] = [
    PolicyRow(name: "empty policy accepts", policy: Policy(), domain: "a.example", neighbour: "p", attributes: attrs([7]), accepted: true),
    PolicyRow(name: "default reject", policy: Policy(rules: [], defaultVerdict: .reject), domain: "a.example", neighbour: "p", attributes: attrs([7]), accepted: false),
    PolicyRow(name: "domain suffix reject", policy: Policy(rules: [PolicyRule(match: bad, verdict: .reject)]), domain: "x.bad.example", neighbour: "p", attributes: attrs([7]), accepted: false),
    PolicyRow(name: "domain suffix is label-wise", policy: Policy(rules: [PolicyRule(match: bad, verdict: .reject)]), domain: "notbad.example", neighbour: "p", attributes: attrs([7]), accepted: true),
    PolicyRow(name: "neighbour sets local-pref", policy: Policy(rules: [PolicyRule(match: PolicyMatch(neighbour: "p"), actions: [.setLocalPreference(150)], verdict: .accept)]), domain: "a.example", neighbour: "p", attributes: attrs([7]), accepted: true, localPref: 150),
    PolicyRow(name: "other neighbour untouched", policy: Policy(rules: [PolicyRule(match: PolicyMatch(neighbour: "q"), actions: [.setLocalPreference(150)], verdict: .accept)]), domain: "a.example", neighbour: "p", attributes: attrs([7]), accepted: true),
    PolicyRow(name: "path contains", policy: Policy(rules: [PolicyRule(match: PolicyMatch(pathContains: 666), verdict: .reject)]), domain: "a.example", neighbour: "p", attributes: attrs([7, 666, 9]), accepted: false),
    PolicyRow(name: "community match", policy: Policy(rules: [PolicyRule(match: PolicyMatch(community: Community(1, 2, 3)), actions: [.setPrice(9)], verdict: .accept)]), domain: "a.example", neighbour: "p", attributes: attrs([7], communities: [Community(1, 2, 3)]), accepted: true, price: 9, communities: [Community(1, 2, 3)]),
    PolicyRow(name: "origin region", policy: Policy(rules: [PolicyRule(match: PolicyMatch(originRegion: Region("RU")), verdict: .reject)]), domain: "a.example", neighbour: "p", attributes: attrs([7], origin: "RU"), accepted: false),
    PolicyRow(name: "continue accumulates then default", policy: Policy(rules: [
        PolicyRule(actions: [.prepend(2), .addCommunity(Community(5, 5, 5))], verdict: .continue),
        PolicyRule(match: PolicyMatch(relationship: .provider), actions: [.removeCommunity(Community(1, 1, 1))], verdict: .continue),
    ]), domain: "a.example", neighbour: "p", attributes: attrs([7], communities: [Community(1, 1, 1)]), accepted: true, prepend: 2, communities: [Community(5, 5, 5)]),
    PolicyRow(name: "first deciding rule wins", policy: Policy(rules: [
        PolicyRule(match: PolicyMatch(neighbour: "p"), verdict: .accept),
        PolicyRule(verdict: .reject),
    ]), domain: "a.example", neighbour: "p", attributes: attrs([7]), accepted: true),
]

@Suite struct PolicyTests {
    @Test(arguments: policyRows)
    func evaluate(row: PolicyRow) {
        let outcome = row.policy.evaluate(PolicySubject(domain: dn(row.domain), neighbour: row.neighbour, relationship: .provider, attributes: row.attributes))
        #expect(outcome.accepted == row.accepted)
        if row.accepted {
            #expect(outcome.localPreference == row.localPref)
            #expect(outcome.price == row.price)
            #expect(outcome.prepend == row.prepend)
            #expect(outcome.communities == row.communities)
        }
    }

    @Test func importPolicyChangesTheDecision() {
        let policy = NodePolicy(importPolicy: Policy(rules: [PolicyRule(match: PolicyMatch(neighbour: "q"), actions: [.setLocalPreference(400)], verdict: .accept)]))
        var e = engine(neighbours: [nb("c", 7, .customer), nb("q", 8, .provider)], policy: policy)
        e.receive(UpdateMessage(attributes: attrs([7, 9]), announced: [dn("d.example")]), from: 0)
        e.receive(UpdateMessage(attributes: attrs([8, 9]), announced: [dn("d.example")]), from: 1)
        #expect(e.route(for: dn("d.example"))?.nextHop == "q")
        #expect(e.route(for: dn("d.example"))?.localPreference == 400)
        #expect(e.route(for: dn("d.example"))?.reason == .localPref)
        // Re-evaluating without the policy restores the customer route.
        e.reevaluateAll(policy: NodePolicy())
        #expect(e.route(for: dn("d.example"))?.nextHop == "c")
    }

    @Test func exportPolicyPrependsAndPrices() {
        let policy = NodePolicy(exportPolicy: Policy(rules: [PolicyRule(match: PolicyMatch(neighbour: "p"), actions: [.prepend(2), .setPrice(7)], verdict: .accept)]))
        var e = engine(neighbours: [nb("p", 8, .provider)], own: ["mine.example"], policy: policy)
        e.routeRefreshRequested(by: 0)
        let sent = e.flush().updates(to: 0).first?.attributes
        #expect(sent?.operatorPath == [500, 500, 500])
        #expect(sent?.price == 7)
    }

    @Test func importRejectIsRecorded() {
        let policy = NodePolicy(importPolicy: Policy(rules: [PolicyRule(match: bad, verdict: .reject)]))
        var e = engine(neighbours: [nb("p", 8, .provider)], policy: policy)
        e.receive(UpdateMessage(attributes: attrs([8]), announced: [dn("bad.example"), dn("good.example")]), from: 0)
        #expect(e.route(for: dn("bad.example")) == nil)
        #expect(e.route(for: dn("good.example")) != nil)
        #expect(e.adjRIBIn(of: 0).first?.1.ineligible == .importRejected)
    }
}
