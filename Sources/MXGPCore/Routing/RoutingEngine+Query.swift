/// A best route with its ranked alternates, as shown by `mxgp sim` and `mxgp ctl routes`.
public struct RouteView: Sendable, Hashable {
    public var domain: DomainName
    /// Name of the neighbour to forward to; nil for an own domain.
    public var nextHop: String?
    /// NEXT_HOP SMTP endpoint of the route.
    public var endpoint: String
    /// Operator path as received (next hop's operator first, origin last); empty for own domains.
    public var path: [OperatorNumber]
    public var price: UInt32
    public var localPreference: UInt32
    public var reason: BestPathReason
    /// Origin validation of the route (its origin: the last operator of `path`, or this node for
    /// an own domain); nil when the node has no origin registry.
    public var validation: OriginValidity?
    /// The eligible alternates after the best, in rank order.
    public var alternates: [RouteView]
    /// True when the route carries DRAINING (PROTOCOL §5.9): its path crosses an overloaded node.
    public var draining: Bool
    /// CHARGEBACK of the route: what the next hop charges per complaint (0: none).
    public var chargeback: UInt32 = 0
    /// The PRICE as the neighbour announced it (``price`` is after import policy): what this
    /// node owes per message sent over the route.
    public var announcedPrice: UInt32 = 0
    /// REGION_POLICY of the route: regions whose mail some node on its path refuses. Mail
    /// originating in one of them does not take this route (``RelayDecision/admitting(_:origin:)``).
    public var refusesRegions: [Region] = []

    public init(
        domain: DomainName, nextHop: String?, endpoint: String, path: [OperatorNumber], price: UInt32,
        localPreference: UInt32, reason: BestPathReason, validation: OriginValidity? = nil, alternates: [RouteView] = [],
        draining: Bool = false, chargeback: UInt32 = 0, refusesRegions: [Region] = [], announcedPrice: UInt32? = nil
    ) {
        self.announcedPrice = announcedPrice ?? price
        self.chargeback = chargeback
        self.refusesRegions = refusesRegions
        self.draining = draining
        self.validation = validation
        self.domain = domain
        self.nextHop = nextHop
        self.endpoint = endpoint
        self.path = path
        self.price = price
        self.localPreference = localPreference
        self.reason = reason
        self.alternates = alternates
    }
}

/// A received route the engine keeps in an Adj-RIB-In but refused, and why.
public struct IneligibleRoute: Sendable, Hashable {
    public var domain: DomainName
    /// Name of the neighbour that sent it.
    public var neighbour: String
    /// Operator path as received.
    public var path: [OperatorNumber]
    public var reason: IneligibleReason

    public init(domain: DomainName, neighbour: String, path: [OperatorNumber], reason: IneligibleReason) {
        self.domain = domain
        self.neighbour = neighbour
        self.path = path
        self.reason = reason
    }
}

extension RoutingEngine {
    /// Every ineligible received route whose reason is in `reasons` (all reasons when nil),
    /// sorted by domain, then neighbour index.
    public func ineligibleRoutes(reasons: Set<IneligibleReason>? = nil) -> [IneligibleRoute] {
        var result: [(Int, IneligibleRoute)] = []
        for (index, slot) in neighbours.enumerated() where !slot.removed {
            // Plain routes are eligible: only the full entries can be ineligible.
            for (d, entry) in slot.adjRIBIn.full {
                guard let reason = entry.ineligible, reasons?.contains(reason) ?? true else { continue }
                result.append((index, IneligibleRoute(domain: domains[d], neighbour: slot.config.name, path: entry.received.operatorPath, reason: reason)))
            }
        }
        return result.sorted { ($0.1.domain, $0.0) < ($1.1.domain, $1.0) }.map(\.1)
    }

    /// The best route (with alternates) for exactly `domain`, if any.
    public func route(for domain: DomainName) -> RouteView? {
        guard let d = domains.index(of: domain), !locRIB[Int(d)].isEmpty else { return nil }
        return view(domain: domain, ranked: Array(locRIB[Int(d)]))
    }

    /// Longest label-wise suffix match: the route mail for `domain` follows (`.` is the default).
    public func lookup(_ domain: DomainName) -> RouteView? {
        for suffix in domain.suffixes {
            if let route = route(for: suffix) { return route }
        }
        return nil
    }

    /// Every domain with a best route, sorted by name.
    public func bestRoutes() -> [RouteView] {
        var result: [RouteView] = []
        for (i, ranked) in locRIB.enumerated() where !ranked.isEmpty {
            result.append(view(domain: domains[Int32(i)], ranked: Array(ranked)))
        }
        return result.sorted { $0.domain < $1.domain }
    }

    /// Ranked eligible candidates for `domain`, best first.
    public func candidates(for domain: DomainName) -> [Candidate] {
        guard let d = domains.index(of: domain) else { return [] }
        return Array(locRIB[Int(d)])
    }

    /// Number of domains with at least one eligible route.
    public var routeCount: Int { locRIB.reduce(0) { $0 + ($1.isEmpty ? 0 : 1) } }

    /// Number of routes held in all Adj-RIBs-In.
    public var adjRIBInCount: Int { neighbours.reduce(0) { $0 + $1.adjRIBIn.count } }

    /// Domains in neighbour `index`'s Adj-RIB-In.
    public func adjRIBInCount(of index: Int) -> Int { neighbours[index].adjRIBIn.count }

    /// True when neighbour `index` has announced `domain` (eligible or not) and not withdrawn it.
    public func hasAdjRIBIn(_ domain: DomainName, from index: Int) -> Bool {
        guard let d = domains.index(of: domain) else { return false }
        return neighbours[index].adjRIBIn.contains(d)
    }

    /// The Adj-RIB-In of neighbour `index`: domain, received attributes and eligibility.
    public func adjRIBIn(of index: Int) -> [(DomainName, AdjRIBInEntry)] {
        adjRIBInEntries(of: index).map { (domains[$0.domain], $0.entry) }.sorted { $0.0 < $1.0 }
    }

    /// How many routes neighbour `index` sent (Adj-RIB-In) and how many of them are eligible.
    public func adjRIBInCounts(of index: Int) -> (received: Int, accepted: Int) {
        let adjRIBIn = neighbours[index].adjRIBIn
        return (adjRIBIn.count, adjRIBIn.eligibleCount)
    }

    /// The Adj-RIB-Out of neighbour `index`.
    public func adjRIBOut(of index: Int) -> [(DomainName, PathAttributes)] {
        neighbours[index].adjRIBOut.map { (domains[$0.key], $0.value) }.sorted { $0.0 < $1.0 }
    }

    /// True when the session with neighbour `index` is Established.
    public func isEstablished(_ index: Int) -> Bool { neighbours[index].established }

    func view(domain: DomainName, ranked: [Candidate]) -> RouteView {
        let reason = DecisionProcess.reason(ranked: ranked) ?? .onlyRoute
        var best = candidateView(domain: domain, ranked[0], reason: reason)
        best.alternates = ranked.dropFirst().map { other in
            let step = DecisionProcess.decide(ranked[0], other)?.step ?? .neighbourOperator
            return candidateView(domain: domain, other, reason: step)
        }
        return best
    }

    func candidateView(domain: DomainName, _ candidate: Candidate, reason: BestPathReason) -> RouteView {
        RouteView(
            domain: domain,
            nextHop: candidate.isOwn ? nil : neighbours[Int(candidate.neighbour)].config.name,
            endpoint: candidate.attributes.nextHop,
            path: candidate.attributes.operatorPath,
            price: candidate.price,
            localPreference: candidate.localPreference,
            reason: reason,
            validation: originValidator?.validate(domain: domain, origin: candidate.isOwn ? local.operatorNumber : candidate.attributes.originOperator ?? local.operatorNumber),
            alternates: [],
            draining: candidate.isDraining,
            chargeback: candidate.chargeback,
            refusesRegions: candidate.attributes.regionPolicy, announcedPrice: candidate.attributes.price)
    }
}
