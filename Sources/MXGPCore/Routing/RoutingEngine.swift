/// A received route kept in the Adj-RIB-In: attributes as received, and whether it is eligible.
public struct AdjRIBInEntry: Sendable {
    public var received: PathAttributes
    public var ineligible: IneligibleReason?
    /// Origin validation of the route; nil when the node has no origin validator.
    public var validity: OriginValidity?
}

/// Per-neighbour state held by the engine.
struct NeighbourSlot: Sendable {
    var config: NeighbourRoutingConfig
    var established = false
    var removed = false
    var adjRIBIn = AdjRIBIn()
    var adjRIBOut: [Int32: PathAttributes] = [:]
    /// Set when the whole table must be (re)sent, e.g. after the session came up.
    var needsFullExport = false
    /// Set by ROUTE-REFRESH: the full export announces every route again even when unchanged.
    var forceResend = false
    var sendEndOfRIB = false
}

/// The routing core of one node: Adj-RIB-In per neighbour, a Loc-RIB that keeps every
/// eligible route ranked, and Adj-RIB-Out per neighbour. Pure: no I/O, no clock.
///
/// Drive it with `neighbourUp`, `receive`, `neighbourDown`; then `flush()` returns the
/// UPDATE messages to send (changes are coalesced until the flush).
public struct RoutingEngine: Sendable {
    public private(set) var local: LocalRoutingConfig
    var neighbours: [NeighbourSlot] = []
    public private(set) var domains = DomainTable()
    /// Eligible candidates per domain index, best first.
    var locRIB = ChunkedArray<CandidateList>()
    var changed: [Int32] = []
    var changedFlag: [Bool] = []
    /// Origin validation, when the node has a registry.
    public var originValidator: (any OriginValidating)?
    /// Number of times the decision process ran for a domain.
    public private(set) var decisionRuns = 0
    /// Number of routes made ineligible because origin validation said Invalid (a route
    /// announced again with the same verdict is not counted twice).
    public private(set) var originInvalidRoutes = 0
    var ownAttributesCache: PathAttributes?
    /// True while the node announces itself overloaded: every exported route carries DRAINING.
    public internal(set) var draining = false

    public init(local: LocalRoutingConfig, neighbours: [NeighbourRoutingConfig] = []) {
        self.local = local
        self.neighbours = neighbours.map { NeighbourSlot(config: $0) }
        domains.reserveCapacity(local.ownDomains.count)
        let attributes = ownAttributes
        for domain in local.ownDomains { installOwn(domain, attributes: attributes) }
    }

    // MARK: Neighbours

    /// Adds a neighbour and returns its index (indices are never reused).
    public mutating func addNeighbour(_ config: NeighbourRoutingConfig) -> Int {
        neighbours.append(NeighbourSlot(config: config))
        return neighbours.count - 1
    }

    /// Removes a neighbour: its routes are withdrawn and it gets nothing more.
    public mutating func removeNeighbour(_ index: Int) {
        neighbourDown(index)
        neighbours[index].removed = true
    }

    /// Number of neighbour slots (including removed ones).
    public var neighbourCount: Int { neighbours.count }

    /// The configuration of neighbour `index`.
    public func neighbourConfig(_ index: Int) -> NeighbourRoutingConfig { neighbours[index].config }

    /// The index of the live neighbour with this name.
    public func neighbourIndex(named name: String) -> Int? {
        neighbours.firstIndex { $0.config.name == name && !$0.removed }
    }

    /// The session with neighbour `index` is Established: it will receive the full table at the next flush.
    public mutating func neighbourUp(_ index: Int) {
        guard !neighbours[index].removed else { return }
        neighbours[index].established = true
        neighbours[index].adjRIBOut = [:]
        neighbours[index].needsFullExport = true
        neighbours[index].sendEndOfRIB = true
    }

    /// The session went down: every route learned from it is withdrawn.
    public mutating func neighbourDown(_ index: Int) {
        let held = neighbours[index].adjRIBIn.domains()
        neighbours[index].established = false
        neighbours[index].adjRIBIn = AdjRIBIn()
        neighbours[index].adjRIBOut = [:]
        neighbours[index].needsFullExport = false
        // In index order, so that the order of the resulting withdrawals is deterministic.
        for (domain, ineligible) in held where ineligible == nil {
            removeCandidate(domain: domain, neighbour: Int32(index))
        }
    }

    /// The neighbour asked for ROUTE-REFRESH: resend the whole table.
    public mutating func routeRefreshRequested(by index: Int) {
        guard neighbours[index].established else { return }
        // Keep the Adj-RIB-Out: a withdrawal pending since the last flush must still go out.
        neighbours[index].needsFullExport = true
        neighbours[index].forceResend = true
    }

    // MARK: Own domains

    /// Attributes of the node's own routes: one shared object, so own domains are announced
    /// together in as few UPDATEs as the message size allows.
    var ownAttributes: PathAttributes {
        if let cached = ownAttributesCache, cached.nextHop == local.nextHop, cached.originProof?.region == local.region { return cached }
        return RouteImport.ownAttributes(local: local)
    }

    /// Starts originating `domain`.
    public mutating func originate(_ domain: DomainName) {
        if ownAttributesCache == nil { ownAttributesCache = ownAttributes }
        installOwn(domain, attributes: ownAttributesCache!)
        if !local.ownDomains.contains(domain) { local.ownDomains.append(domain) }
    }

    mutating func installOwn(_ domain: DomainName, attributes: PathAttributes) {
        ownAttributesCache = attributes
        insertCandidate(RouteImport.ownCandidate(local: local, attributes: attributes), domain: intern(domain))
    }

    /// Stops originating `domain`.
    public mutating func stopOriginating(_ domain: DomainName) {
        guard let index = domains.index(of: domain) else { return }
        removeCandidate(domain: index, neighbour: Candidate.ownNeighbour)
        local.ownDomains.removeAll { $0 == domain }
    }

    // MARK: Updates

    /// Processes one UPDATE from neighbour `index`. Returns the number of announced
    /// routes that were eligible.
    @discardableResult
    public mutating func receive(_ update: UpdateMessage, from index: Int) -> Int {
        guard neighbours[index].established else { return 0 }
        for domain in update.withdrawn {
            guard let d = domains.index(of: domain), let old = takeAdjRIBIn(domain: d, neighbour: index) else { continue }
            if old.ineligible == nil { removeCandidate(domain: d, neighbour: Int32(index)) }
        }
        guard let attributes = update.attributes, !update.announced.isEmpty else { return 0 }
        let config = neighbours[index].config
        let base = Eligibility.check(
            attributes: attributes, localOperator: local.operatorNumber,
            neighbourOperator: config.operatorNumber, relationship: config.relationship)
        let marked = Eligibility.markingOnlyToCustomer(attributes, neighbourOperator: config.operatorNumber, relationship: config.relationship)
        let shared = local.policy.importPolicy.dependsOnDomain ? nil : importCandidate(marked, domain: nil, neighbour: index)
        var eligible = 0
        for domain in update.announced {
            let d = intern(domain)
            var reason = base
            var candidate: Candidate?
            if reason == nil {
                candidate = shared ?? importCandidate(marked, domain: domain, neighbour: index)
                if candidate == nil { reason = .importRejected }
            }
            let validity = originValidator?.validate(domain: domain, path: attributes.operatorPath)
            if reason == nil, validity == .invalid { reason = .originInvalid }
            let entry = AdjRIBInEntry(received: attributes, ineligible: reason, validity: validity)
            let previous = takeAdjRIBIn(domain: d, neighbour: index)
            if reason == .originInvalid, previous?.ineligible != .originInvalid { originInvalidRoutes += 1 }
            var held: PathAttributes?
            if let candidate, reason == nil {
                insertCandidate(candidate, domain: d)
                eligible += 1
                // Plain when the candidate holds what was received, or its OTC-marked copy.
                if candidate.attributes === attributes || candidate.attributes === marked { held = candidate.attributes }
            } else if let previous, previous.ineligible == nil {
                removeCandidate(domain: d, neighbour: Int32(index))
            }
            neighbours[index].adjRIBIn.insert(entry, for: d, held: held)
        }
        return eligible
    }

    /// Runs import policy; nil when rejected (``RouteImport/candidate(_:domain:neighbour:config:local:)``).
    func importCandidate(_ attributes: PathAttributes, domain: DomainName?, neighbour index: Int) -> Candidate? {
        RouteImport.candidate(attributes, domain: domain, neighbour: index, config: neighbours[index].config, local: local)
    }

    /// Re-runs import policy and origin validation over every Adj-RIB-In (after a policy or registry change).
    public mutating func reevaluateAll(policy: NodePolicy? = nil) {
        if let policy { local.policy = policy }
        for index in neighbours.indices where neighbours[index].established {
            var byAttributes: [ObjectIdentifier: (PathAttributes, [DomainName])] = [:]
            for (d, entry) in adjRIBInEntries(of: index) {
                byAttributes[ObjectIdentifier(entry.received), default: (entry.received, [])].1.append(domains[d])
            }
            for (attributes, names) in byAttributes.values.sorted(by: { $0.1[0] < $1.1[0] }) {
                receive(UpdateMessage(attributes: attributes, announced: names.sorted()), from: index)
            }
        }
        for index in neighbours.indices { neighbours[index].needsFullExport = neighbours[index].established }
    }

    // MARK: Loc-RIB

    /// The attributes of neighbour `index`'s Loc-RIB candidate for domain `d`, if it has one
    /// (what a plain ``AdjRIBIn`` route is read back through).
    func heldAttributes(domain d: Int32, neighbour index: Int) -> PathAttributes? {
        locRIB[Int(d)].first { $0.neighbour == Int32(index) }?.attributes
    }

    /// Removes and returns neighbour `index`'s Adj-RIB-In route for domain `d`, while its
    /// Loc-RIB candidate (if any) is still there to read a plain route back through.
    mutating func takeAdjRIBIn(domain d: Int32, neighbour index: Int) -> AdjRIBInEntry? {
        neighbours[index].adjRIBIn.remove(d, held: heldAttributes(domain: d, neighbour: index))
    }

    /// Neighbour `index`'s Adj-RIB-In in domain index order.
    func adjRIBInEntries(of index: Int) -> [(domain: Int32, entry: AdjRIBInEntry)] {
        neighbours[index].adjRIBIn.entries { heldAttributes(domain: $0, neighbour: index) }
    }

    mutating func intern(_ domain: DomainName) -> Int32 {
        let d = domains.intern(domain)
        if Int(d) == locRIB.count {
            locRIB.append([])
            changedFlag.append(false)
        }
        return d
    }

    mutating func markChanged(_ d: Int32) {
        if !changedFlag[Int(d)] {
            changedFlag[Int(d)] = true
            changed.append(d)
        }
    }

    /// Inserts or replaces the candidate of one neighbour, keeping the list ranked.
    mutating func insertCandidate(_ candidate: Candidate, domain d: Int32) {
        decisionRuns += 1
        let i = Int(d)
        if let existing = locRIB[i].firstIndex(where: { $0.neighbour == candidate.neighbour }) {
            if existing == 0 { markChanged(d) }
            locRIB[i].remove(at: existing)
        }
        var position = locRIB[i].count
        for (k, other) in locRIB[i].enumerated() where DecisionProcess.isBetter(candidate, other) {
            position = k
            break
        }
        locRIB[i].insert(candidate, at: position)
        // The best route's exported REGION_POLICY depends on its alternates (carriedRefusals).
        if position == 0 || !locRIB[i][0].attributes.regionPolicy.isEmpty { markChanged(d) }
    }

    mutating func removeCandidate(domain d: Int32, neighbour: Int32) {
        decisionRuns += 1
        let i = Int(d)
        guard let existing = locRIB[i].firstIndex(where: { $0.neighbour == neighbour }) else { return }
        locRIB[i].remove(at: existing)
        if existing == 0 || locRIB[i].first.map({ !$0.attributes.regionPolicy.isEmpty }) == true { markChanged(d) }
    }
}

extension RoutingEngine {
    /// Sets the expected complaint rate (parts per million) the decision weighs CHARGEBACK
    /// with: every domain with a chargeback among its candidates is ranked again, and a domain
    /// whose best route changed is re-exported at the next flush.
    public mutating func setComplaintRate(_ ppm: UInt32) {
        guard ppm != local.complaintRatePPM else { return }
        local.complaintRatePPM = ppm
        for i in locRIB.indices where locRIB[i].contains(where: { $0.chargeback > 0 }) {
            let oldBest = locRIB[i][0].neighbour
            for k in locRIB[i].indices { locRIB[i][k].reprice(complaintRate: ppm) }
            locRIB[i].sort(by: DecisionProcess.isBetter)
            decisionRuns += 1
            if locRIB[i][0].neighbour != oldBest { markChanged(Int32(i)) }
        }
    }

    /// Applies a changed policy or list of refused regions: every received route is
    /// re-evaluated and every neighbour gets its table re-exported.
    public mutating func updateLocal(policy: NodePolicy, refuseRegions: [Region]) {
        local.refuseRegions = refuseRegions
        reevaluateAll(policy: policy)
    }
}
