/// Import policy as a pure function: what a node's decision process ranks for a route it
/// received. ``RoutingEngine`` and the propagation solver (`MXGPSim.RouteSolver`) both call it,
/// so a solved route is the route the node would choose.
public enum RouteImport {
    /// The attributes of a node's own routes (empty path, its NEXT_HOP and region).
    public static func ownAttributes(local: LocalRoutingConfig) -> PathAttributes {
        PathAttributes(operatorPath: [], nextHop: local.nextHop, originProof: OriginProof(region: local.region))
    }

    /// The candidate of an own domain: always preferred (``ownRouteLocalPreference``).
    public static func ownCandidate(local: LocalRoutingConfig, attributes: PathAttributes) -> Candidate {
        Candidate(
            neighbour: Candidate.ownNeighbour, localPreference: ownRouteLocalPreference, price: 0,
            neighbourOperator: local.operatorNumber, attributes: attributes)
    }

    /// Runs `local`'s import policy over `attributes` (already checked by
    /// ``Eligibility/check(attributes:localOperator:neighbourOperator:relationship:)`` and marked
    /// by ``Eligibility/markingOnlyToCustomer(_:neighbourOperator:relationship:)``) from
    /// neighbour `index` (`config`): the candidate, or nil when the policy rejects the route.
    @inline(__always)
    public static func candidate(
        _ attributes: PathAttributes, domain: DomainName?, neighbour index: Int, config: NeighbourRoutingConfig,
        local: LocalRoutingConfig
    ) -> Candidate? {
        let policy = local.policy.importPolicy
        var localPreference = config.relationship.defaultLocalPreference
        var price = attributes.price
        var final = attributes
        if !policy.rules.isEmpty || policy.defaultVerdict == .reject {
            let outcome = policy.evaluate(PolicySubject(domain: domain, neighbour: config.name, relationship: config.relationship, attributes: attributes))
            guard outcome.accepted else { return nil }
            localPreference = outcome.localPreference ?? localPreference
            price = outcome.price ?? price
            final = outcome.apply(to: attributes, prependOperator: config.operatorNumber)
        }
        return Candidate(
            neighbour: Int32(index), localPreference: localPreference, price: price, neighbourOperator: config.operatorNumber,
            attributes: final, chargeback: attributes.chargeback, complaintRate: local.complaintRatePPM)
    }
}

/// Export as a pure function: valley-free export, contract coverage, refused destinations,
/// export policy and the attributes announced. ``RoutingEngine`` and the propagation solver
/// (`MXGPSim.RouteSolver`) both call it.
public enum RouteExport {
    /// Valley-free export (DESIGN §2): own and customer-learned routes go to every neighbour;
    /// peer- and provider-learned routes go to customers only; an OTC route goes to customers
    /// only. Returns the attributes `local` announces for `domain` to neighbour `index`
    /// (`target`), or nil when it announces nothing.
    ///
    /// - Parameters:
    ///   - learnedFrom: the relationship of the neighbour `best` came from (ignored for own routes).
    ///   - countries: the registry's countries of `domain` (asked only when they matter).
    ///   - carriedRefusals: the REGION_POLICY passed on toward a neighbour with this
    ///     relationship (``carriedRefusals(of:ranked:relationshipOf:to:)``).
    @inline(__always)
    public static func attributes(
        of best: Candidate, learnedFrom: Relationship, domain: DomainName, to index: Int, target: NeighbourRoutingConfig,
        local: LocalRoutingConfig, draining: Bool, countries: () -> [Country], carriedRefusals: (Relationship) -> [Region]
    ) -> PathAttributes? {
        guard best.neighbour != Int32(index), mayExport(best, learnedFrom: learnedFrom, to: target.relationship) else { return nil }
        if best.attributes.operatorPath.contains(target.operatorNumber) { return nil }
        var price = target.exportPrice
        if target.coverage.dependsOnCountry || (!local.refuseDestinations.isEmpty && !best.isOwn) {
            let countries = countries()
            if !best.isOwn && countries.contains(where: local.refuseDestinations.contains) { return nil }
            guard let covered = target.exportPrice(countries: countries) else { return nil }
            price = covered
        }
        var prepend = 0
        var communities = best.attributes.communities
        let policy = local.policy.exportPolicy
        if !policy.rules.isEmpty || policy.defaultVerdict == .reject {
            let outcome = policy.evaluate(PolicySubject(domain: domain, neighbour: target.name, relationship: target.relationship, attributes: best.attributes))
            guard outcome.accepted else { return nil }
            price = outcome.price ?? price
            prepend = outcome.prepend
            communities = outcome.communities
        }
        var otc = best.attributes.onlyToCustomer
        if otc == nil && target.relationship != .provider { otc = local.operatorNumber }
        // A path that would not fit OPERATOR_PATH is not exported (truncating it would drop the origin).
        guard best.attributes.operatorPath.count + 1 + prepend <= MXGPFraming.maximumPathLength else { return nil }
        // One allocation: this runs once per route and neighbour (the solver: 40 million times).
        var path: [OperatorNumber] = []
        path.reserveCapacity(1 + prepend + best.attributes.operatorPath.count)
        path.append(contentsOf: repeatElement(local.operatorNumber, count: 1 + prepend))
        path.append(contentsOf: best.attributes.operatorPath)
        let carried = carriedRefusals(target.relationship)
        let regions = local.refuseRegions.isEmpty ? carried : carried + local.refuseRegions
        return PathAttributes(
            operatorPath: path, nextHop: target.nextHop ?? local.nextHop, price: price, onlyToCustomer: otc, communities: communities,
            regionPolicy: regions, originProof: best.attributes.originProof,
            draining: draining || best.attributes.draining, chargeback: target.exportChargeback, unknown: best.attributes.unknown)
    }

    /// Valley-free export alone (DESIGN §2): whether `best`, learned from a neighbour with
    /// relationship `learnedFrom`, may go to a neighbour with relationship `target`. Own and
    /// customer-learned routes go everywhere; others, and OTC routes, to customers only.
    /// ``attributes(of:learnedFrom:domain:to:target:local:draining:countries:carriedRefusals:)``
    /// applies it first; the solver asks it before reading the target's configuration.
    @inline(__always)
    public static func mayExport(_ best: Candidate, learnedFrom: Relationship, to target: Relationship) -> Bool {
        best.isOwn || target == .customer || (learnedFrom == .customer && best.attributes.onlyToCustomer == nil)
    }

    /// The REGION_POLICY a node passes on with `best`: the regions whose mail none of its
    /// routes for the domain (`ranked`, any order) accepts (PROTOCOL.md §9.5). The node chooses
    /// per message and takes an alternate for mail the best route's path refuses, so it refuses
    /// only what every route it may use refuses; toward a provider or peer only routes it may
    /// export there count (own and customer-learned), so the promise keeps to valley-free paths.
    public static func carriedRefusals(
        of best: Candidate, ranked: some Sequence<Candidate>, relationshipOf: (Int32) -> Relationship, to relationship: Relationship
    ) -> [Region] {
        var refused = best.attributes.regionPolicy
        guard !refused.isEmpty else { return refused }
        for other in ranked where !refused.isEmpty {
            if relationship != .customer && !other.isOwn && relationshipOf(other.neighbour) != .customer { continue }
            refused = refused.filter(other.attributes.regionPolicy.contains)
        }
        return refused
    }
}
