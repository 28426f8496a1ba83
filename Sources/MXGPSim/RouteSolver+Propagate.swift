import MXGPCore

/// The graph's configurations, borrowed for one destination's solve. A node's
/// ``LocalRoutingConfig`` is read through an immutable box (``LocalConfigBox``): a value read
/// from an array (or unsafe buffer) and passed to the shared import and export code was
/// copied for each route, retaining and releasing every array of the config at a random
/// address; a class's `let` is lent to the call instead.
struct SolverView {
    let locals: [LocalConfigBox]
    let configs: UnsafeBufferPointer<NeighbourRoutingConfig>
}

/// One node's routing configuration, immutable, shared by reference (``SolverView``).
final class LocalConfigBox: Sendable {
    let config: LocalRoutingConfig
    /// `config`'s import policy matches on domains (``Policy/dependsOnDomain``).
    let importDependsOnDomain: Bool

    init(_ config: LocalRoutingConfig) {
        self.config = config
        importDependsOnDomain = config.policy.importPolicy.dependsOnDomain
    }

    /// ``RouteImport/candidate(_:domain:neighbour:config:local:)`` with this node's
    /// configuration lent, not copied (`domain` is passed only when the policy matches on it).
    @inline(never)
    func candidate(
        _ attributes: PathAttributes, domain: DomainName, neighbour index: Int, config: UnsafePointer<NeighbourRoutingConfig>
    ) -> Candidate? {
        RouteImport.candidate(attributes, domain: importDependsOnDomain ? domain : nil, neighbour: index, config: config.pointee, local: self.config)
    }
}

extension SolverScratch {
    /// Exports `node`'s best route (or nothing) to every live neighbour.
    mutating func process(_ node: Int32, domain: DomainName, graph: RouteSolverGraph, view: SolverView) {
        work.visits += 1
        let n = Int(node)
        let lo = Int(graph.offsets[n]), hi = Int(graph.offsets[n + 1])
        guard let best = self.best[n] else {
            for k in lo..<hi where graph.slotUp[k] && graph.nodeUp[Int(graph.neighbourNode[k])] {
                receive(nil, at: Int(graph.reverseSlot[k]), node: graph.neighbourNode[k], domain: domain, graph: graph, view: view)
            }
            return
        }
        let local = view.locals[n]
        let learnedFrom = best.isOwn ? Relationship.customer : view.configs[lo + Int(best.neighbour)].relationship
        for k in lo..<hi where graph.slotUp[k] {
            let neighbour = graph.neighbourNode[k]
            guard graph.nodeUp[Int(neighbour)] else { continue }
            work.exports += 1
            let exported = RouteExport.attributes(
                of: best, learnedFrom: learnedFrom, domain: domain, to: k - lo, target: view.configs[k], local: local.config,
                draining: false, countries: { graph.originRegistry?.countries(of: domain) ?? [] },
                carriedRefusals: { relationship in
                    RouteExport.carriedRefusals(
                        of: best, ranked: self.received[lo..<hi].lazy.compactMap { $0 },
                        relationshipOf: { view.configs[lo + Int($0)].relationship }, to: relationship)
                })
            receive(exported, at: Int(graph.reverseSlot[k]), node: neighbour, domain: domain, graph: graph, view: view)
        }
    }

    /// `node` receives `attributes` (nil: a withdrawal) in neighbour slot `slot`: eligibility,
    /// import, and the decision against its current best.
    mutating func receive(
        _ attributes: PathAttributes?, at slot: Int, node: Int32, domain: DomainName, graph: RouteSolverGraph, view: SolverView
    ) {
        // A withdrawal of nothing changes nothing.
        if attributes == nil && received[slot] == nil { return }
        let n = Int(node)
        let index = slot - Int(graph.offsets[n])
        var candidate: Candidate?
        if let attributes {
            let neighbourOperator = view.configs[slot].operatorNumber, relationship = view.configs[slot].relationship
            let local = view.locals[n]
            if Eligibility.check(
                attributes: attributes, localOperator: local.config.operatorNumber, neighbourOperator: neighbourOperator,
                relationship: relationship) == nil
            {
                let marked = Eligibility.markingOnlyToCustomer(attributes, neighbourOperator: neighbourOperator, relationship: relationship)
                candidate = local.candidate(marked, domain: domain, neighbour: index, config: view.configs.baseAddress! + slot)
                if candidate != nil, graph.originRegistry?.validate(domain: domain, path: attributes.operatorPath) == .invalid { candidate = nil }
                if candidate != nil { work.imports += 1 }
            }
        }
        let old = received[slot]
        switch (old, candidate) {
        case (nil, nil): return
        case (let old?, let new?) where Self.same(old, new): return
        case (nil, _): touchedSlots.append(Int32(slot))
        default: break
        }
        received[slot] = candidate
        guard let current = best[n] else {
            // No route before, so `candidate` is not nil.
            best[n] = candidate
            touchedNodes.append(node)
            schedule(node)
            return
        }
        if current.isOwn { return }
        if current.neighbour == Int32(index) {
            best[n] = rescan(n, graph: graph)
            schedule(node)
        } else if let candidate, DecisionProcess.isBetter(candidate, current) {
            best[n] = candidate
            schedule(node)
        } else if !current.attributes.regionPolicy.isEmpty {
            // The exported REGION_POLICY depends on the alternates too.
            schedule(node)
        }
    }
}
