import MXGPCore
import MXGPSim
import MXGPTopology

/// One broken invariant of an explored run.
public struct Violation: Sendable, Hashable, CustomStringConvertible {
    /// Which invariant: `stale-route`, `decision`, `valley-free`, `origin`, `region`, `lost`, `duplicated`, `ledger`, `queue`.
    public var kind: String
    public var detail: String
    public var description: String { "\(kind): \(detail)" }
}

/// The invariants `mxgp sim explore` checks after a run has healed and settled.
public enum ExploreInvariants {
    /// Every violation of `report` and the final state of `simulation` for `topology`.
    public static func check(_ simulation: Simulation, report: ScenarioReport, topology: Topology, seed: UInt64) -> [Violation] {
        var violations: [Violation] = []
        // Messages: every 250 delivered exactly once or bounced with a DSN.
        for id in report.lost { violations.append(Violation(kind: "lost", detail: "<\(id)> got a 250 and was neither delivered nor bounced")) }
        for id in report.duplicated { violations.append(Violation(kind: "duplicated", detail: "<\(id)> was delivered more than once")) }
        // No queue keeps mail once everything healed and settled.
        for node in topology.nodes where simulation.queueDepth(of: node.name) > 0 {
            violations.append(Violation(kind: "queue", detail: "\(node.name) still queues \(simulation.queueDepth(of: node.name)) messages after the heal"))
        }
        violations += routes(simulation, topology: topology, seed: seed)
        violations += ledgers(simulation, topology: topology)
        return violations
    }

    /// Routes after healing equal a fresh simulation's, and each obeys the documented rules.
    static func routes(_ simulation: Simulation, topology: Topology, seed: UInt64) -> [Violation] {
        var violations: [Violation] = []
        let fresh = Simulation(topology: topology, options: SimulationOptions(seed: seed)).run()
        let byOperator = Dictionary(topology.nodes.map { ($0.operatorNumber, $0) }, uniquingKeysWith: { a, _ in a })
        let byName = Dictionary(topology.nodes.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let registry = topology.originRegistry
        for node in topology.nodes {
            let live = simulation.bestRoutes(of: node.name)
            let expected = Dictionary((fresh.routes(of: node.name) ?? []).map { ($0.domain, $0) }, uniquingKeysWith: { a, _ in a })
            let have = Dictionary(live.map { ($0.domain, $0) }, uniquingKeysWith: { a, _ in a })
            for domain in Set(expected.keys).union(have.keys).sorted(by: { $0.text < $1.text }) {
                let a = have[domain], b = expected[domain]
                if a?.nextHop != b?.nextHop || a?.path != b?.path {
                    violations.append(Violation(kind: "stale-route", detail: "\(node.name) \(domain): has \(text(a)), a fresh simulation has \(text(b))"))
                }
            }
            let rate = simulation.complaintRate(of: node.name)
            for route in live where route.nextHop != nil {
                // The decision: no alternate is better on the documented steps, in order.
                for alternate in route.alternates where rank(alternate, byName, rate: rate).lexicographicallyPrecedes(rank(route, byName, rate: rate)) {
                    violations.append(Violation(kind: "decision", detail: "\(node.name) \(route.domain): best \(text(route)) but \(text(alternate)) ranks higher"))
                }
                // Valley-free export (with OTC): a route learned from a peer or provider goes only to customers.
                let hops = [node] + route.path.compactMap { byOperator[$0] }
                for i in 1..<max(1, hops.count - 1) {
                    let learnedFrom = relationship(hops[i], hops[i + 1], topology), sentTo = relationship(hops[i], hops[i - 1], topology)
                    if learnedFrom != .customer && sentTo != .customer {
                        violations.append(Violation(kind: "valley-free", detail: "\(node.name) \(route.domain): \(hops[i].name) passed a route from its \(learnedFrom.map(\.rawValue) ?? "?") \(hops[i + 1].name) to its \(sentTo.map(\.rawValue) ?? "?") \(hops[i - 1].name)"))
                    }
                }
                if let registry, let origin = route.path.last, registry.validate(domain: route.domain, origin: origin) == .invalid {
                    violations.append(Violation(kind: "origin", detail: "\(node.name) \(route.domain): origin \(origin) is not authorised, yet the route is best"))
                }
                // REGION_POLICY (decided per message, PROTOCOL.md §9.7): the route carries at least
                // the regions its next hop refuses itself, so a sender can skip it for that mail.
                if hops.count > 1, let missing = hops[1].refuseRegions.first(where: { !route.refusesRegions.contains($0) }) {
                    violations.append(Violation(kind: "region", detail: "\(node.name) \(route.domain): the next hop \(hops[1].name) refuses \(missing), but the route's REGION_POLICY is \(route.refusesRegions.map(\.code))"))
                }
            }
        }
        return violations
    }

    /// The documented order (PROTOCOL.md §9.4): not draining, higher local preference, lower
    /// expected cost (price + chargeback × the node's complaint rate), shorter path, lower
    /// neighbour operator number.
    static func rank(_ route: RouteView, _ byName: [String: TopologyNode], rate: UInt32) -> [Int64] {
        [route.draining ? 1 : 0, -Int64(route.localPreference),
         Int64(ExpectedCost.micros(price: route.price, chargeback: route.chargeback, ratePPM: rate)), Int64(route.path.count),
         Int64(route.nextHop.flatMap { byName[$0]?.operatorNumber } ?? 0)]
    }

    /// Per link and direction, what the sender booked out is what the receiver booked in, but
    /// for messages whose 250 a link failure swallowed (the receiver booked them; the sender does
    /// not know it handed them over) and duplicates (a message that came back after a lost 250
    /// elsewhere: the sender books it, its 250 came; the receiver took no second copy and books
    /// nothing, as the node's store does). The simulator counts both, so the check is exact.
    static func ledgers(_ simulation: Simulation, topology: Topology) -> [Violation] {
        var violations: [Violation] = []
        for link in topology.links {
            for (from, to) in [(link.a, link.b), (link.b, link.a)] {
                let out = simulation.ledger(of: from).first { $0.neighbour == to }
                let into = simulation.ledger(of: to).first { $0.neighbour == from }
                let sent = out?.messagesOut ?? 0, received = into?.messagesIn ?? 0
                let unacknowledged = simulation.unacknowledged(from: from, to: to), duplicates = simulation.duplicatesTaken(from: from, to: to)
                if received != sent - duplicates + unacknowledged {
                    violations.append(Violation(kind: "ledger", detail: "\(from) booked \(sent) out to \(to), \(to) booked \(received) in from \(from) (\(unacknowledged) 250s lost, \(duplicates) duplicates)"))
                }
                // Each message is owed at the price announced for its destination: the link's
                // price, or one of its prices by country.
                let toProvider = relationship(byNameOf(from, topology), byNameOf(to, topology), topology) == .provider
                let prices = toProvider ? [link.price] + link.coverage.prices.values : [0]
                let owed = out?.owed ?? 0
                if !(sent * Int(prices.min()!)...sent * Int(prices.max()!)).contains(owed) || (prices.count == 1 && owed != sent * Int(prices[0])) {
                    violations.append(Violation(kind: "ledger", detail: "\(from) owes \(to) \(owed) for \(sent) messages at price \(prices.map(String.init).joined(separator: "/"))"))
                }
            }
        }
        return violations
    }

    static func byNameOf(_ name: String, _ topology: Topology) -> TopologyNode? { topology.node(named: name) }

    /// What `other` is to `node` (nil when they are not linked).
    static func relationship(_ node: TopologyNode?, _ other: TopologyNode?, _ topology: Topology) -> Relationship? {
        guard let node, let other else { return nil }
        return topology.neighbours(of: node.name).first { $0.node.name == other.name }?.relationship
    }

    static func text(_ route: RouteView?) -> String {
        guard let route else { return "no route" }
        return (route.nextHop ?? "local") + " [" + route.path.map(String.init).joined(separator: " ") + "]"
    }
}
