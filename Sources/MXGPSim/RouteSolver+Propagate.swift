import MXGPCore

/// The graph's configurations, borrowed for one destination's solve. A node's
/// ``LocalRoutingConfig`` is read through an immutable box (``LocalConfigBox``): a value read
/// from an array (or unsafe buffer) and passed to the shared import and export code was
/// copied for each route, retaining and releasing every array of the config at a random
/// address; a class's `let` is lent to the call instead.
struct SolverView {
    /// The graph's boxes, unretained: the graph keeps them alive for the whole solve, and a
    /// retain and release per route received was a tenth of the solver's time.
    let locals: UnsafeBufferPointer<Unmanaged<LocalConfigBox>>
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
                receive(nil, at: k, node: graph.neighbourNode[k], domain: domain, graph: graph, view: view)
            }
            return
        }
        let local = view.locals[n].takeUnretainedValue()
        let learnedFrom = best.isOwn ? Relationship.customer : graph.relationships[lo + Int(best.neighbour)]
        for k in lo..<hi where graph.slotUp[k] {
            let neighbour = graph.neighbourNode[k]
            guard graph.nodeUp[Int(neighbour)] else { continue }
            work.exports += 1
            // Most routes are provider-learned and go to customers only: the valley-free check
            // first, from the compact relationships, saves reading the other targets' configs.
            guard RouteExport.mayExport(best, learnedFrom: learnedFrom, to: graph.relationships[k]) else {
                receive(nil, at: k, node: neighbour, domain: domain, graph: graph, view: view)
                continue
            }
            let exported = RouteExport.attributes(
                of: best, learnedFrom: learnedFrom, domain: domain, to: k - lo, target: view.configs[k], local: local.config,
                draining: false, countries: { graph.originRegistry?.countries(of: domain) ?? [] },
                carriedRefusals: { relationship in
                    RouteExport.carriedRefusals(
                        of: best, ranked: self.received[lo..<hi].lazy.compactMap { $0 },
                        relationshipOf: { view.configs[lo + Int($0)].relationship }, to: relationship)
                })
            receive(exported, at: k, node: neighbour, domain: domain, graph: graph, view: view)
        }
    }

    /// What `local`'s node makes of `attributes` arriving in neighbour slot `slot` (its
    /// neighbour `index`): eligibility, import policy and origin validation; nil when refused.
    @inline(__always)
    static func imported(
        _ attributes: PathAttributes, at slot: Int, index: Int, local: LocalConfigBox, domain: DomainName, graph: RouteSolverGraph,
        view: SolverView
    ) -> Candidate? {
        let neighbourOperator = view.configs[slot].operatorNumber, relationship = view.configs[slot].relationship
        guard Eligibility.check(
            attributes: attributes, localOperator: local.config.operatorNumber, neighbourOperator: neighbourOperator,
            relationship: relationship) == nil
        else { return nil }
        let marked = Eligibility.markingOnlyToCustomer(attributes, neighbourOperator: neighbourOperator, relationship: relationship)
        guard let candidate = local.candidate(marked, domain: domain, neighbour: index, config: view.configs.baseAddress! + slot) else { return nil }
        if graph.originRegistry?.validate(domain: domain, path: attributes.operatorPath) == .invalid { return nil }
        return candidate
    }

    /// `node` receives `attributes` (nil: a withdrawal) sent over the sender's slot `sent`
    /// (it arrives in the neighbour slot `graph.reverseSlot[sent]`): eligibility, import, and
    /// the decision against its current best.
    mutating func receive(
        _ attributes: PathAttributes?, at sent: Int, node: Int32, domain: DomainName, graph: RouteSolverGraph, view: SolverView
    ) {
        let slot = Int(graph.reverseSlot[sent])
        // A withdrawal of nothing changes nothing (asked of the small bitmap, not the array).
        if attributes == nil && !holding.contains(slot) { return }
        let n = Int(node)
        let index = Int(graph.reverseIndex[sent])
        var candidate: Candidate?
        if let attributes {
            candidate = view.locals[n]._withUnsafeGuaranteedRef { local in
                Self.imported(attributes, at: slot, index: index, local: local, domain: domain, graph: graph, view: view)
            }
            if candidate != nil { work.imports += 1 }
        }
        // (Plain conditions, not a switch over the pair: matching the tuple copied both
        // candidates and destroyed the pair through the runtime's generic tuple witness.)
        let had = holding.contains(slot)
        if !had && candidate == nil { return }
        if had, let candidate, Self.same(received[slot]!, candidate) { return }
        if !had { touchedSlots.append(Int32(slot)) }
        received[slot] = candidate
        holding.set(slot, candidate != nil)
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
