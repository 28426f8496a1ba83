@testable import MXGPCore

/// Builds attributes for tests.
func attrs(_ path: [OperatorNumber], price: UInt32 = 0, otc: OperatorNumber? = nil, communities: [Community] = [],
           regions: [String] = [], origin: String? = nil, nextHop: String = "192.0.2.1:25") -> PathAttributes {
    PathAttributes(
        operatorPath: path, nextHop: nextHop, price: price, onlyToCustomer: otc, communities: communities,
        regionPolicy: regions.compactMap(Region.init), originProof: origin.flatMap(Region.init).map { OriginProof(region: $0) })
}

func dn(_ text: String) -> DomainName { DomainName(text)! }

/// A candidate for decision tests.
func cand(
    _ neighbour: Int32, lp: UInt32 = 100, price: UInt32 = 0, path: [OperatorNumber] = [1], op: OperatorNumber = 1, draining: Bool = false,
    chargeback: UInt32 = 0, rate: UInt32 = 0
) -> Candidate {
    Candidate(
        neighbour: neighbour, localPreference: lp, price: price, neighbourOperator: op, attributes: attrs(path).with(draining: draining),
        chargeback: chargeback, complaintRate: rate)
}

/// An engine for node `me` (operator 500, region US) with the given neighbours, all Established.
func engine(
    neighbours: [NeighbourRoutingConfig], own: [String] = [], policy: NodePolicy = NodePolicy(), region: String = "US",
    refuse: [String] = [], refuseDestinations: [String] = []
) -> RoutingEngine {
    var e = RoutingEngine(
        local: LocalRoutingConfig(
            name: "me", operatorNumber: 500, role: .upstream, region: Region(region)!, nextHop: "10.0.0.1:25",
            ownDomains: own.map(dn), policy: policy, refuseRegions: refuse.compactMap(Region.init),
            refuseDestinations: refuseDestinations.compactMap(Region.init)),
        neighbours: neighbours)
    for i in 0..<neighbours.count { e.neighbourUp(i) }
    _ = e.flush()
    return e
}

func nb(_ name: String, _ op: OperatorNumber, _ rel: Relationship, price: UInt32 = 0) -> NeighbourRoutingConfig {
    NeighbourRoutingConfig(name: name, operatorNumber: op, relationship: rel, contractPrice: price)
}

extension Array where Element == OutboundUpdates {
    /// The UPDATE messages sent to neighbour `index`.
    func updates(to index: Int) -> [UpdateMessage] {
        filter { $0.neighbour == index }.flatMap(\.messages).compactMap {
            if case .update(let u) = $0 { return u } else { return nil }
        }
    }
}
