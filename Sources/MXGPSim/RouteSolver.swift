import MXGPCore
import MXGPTopology

/// A propagation solver: every node's best route to a set of domains, computed without
/// sessions or messages, with the node's own eligibility (``Eligibility``), import
/// (``RouteImport``), decision (``DecisionProcess``) and export (``RouteExport``) code.
///
/// Per destination it runs a worklist to a fixed point: a node whose best route changed
/// exports it to every neighbour (``RouteExport/attributes(of:learnedFrom:domain:to:target:local:draining:countries:carriedRefusals:)``),
/// each neighbour checks and imports it and re-ranks. The worklist is ordered like Gao and
/// Rexford's three phases: own and customer-learned routes first, then peer-learned, then
/// provider-learned, shorter paths first in each, so with the default policies every node
/// settles about once (customer routes climb, one peer hop, provider routes descend). The
/// order only saves work: any order reaches the same fixed point, which is the stable state
/// the message-level ``Simulation`` converges to (it is unique when the policies keep the
/// Gao–Rexford conditions, as the default local preferences do).
///
/// Not modelled: overload (DRAINING) and per-message choices (REGION_POLICY is carried, but
/// mail is not sent). Pure: no I/O, no clock.
public struct RouteSolver: Sendable {
    /// The indexed topology.
    public let graph: RouteSolverGraph

    /// A solver over `graph`.
    public init(graph: RouteSolverGraph) { self.graph = graph }

    /// Solves every domain of `destinations`, one after the other, or on `workers` threads
    /// (``solveInParallel(_:workers:)``) when `workers` is more than 1. The solution is the
    /// same either way.
    public func solve(_ destinations: [DomainName], workers: Int = 1) -> RouteSolution {
        if workers > 1 && destinations.count > 1 { return solveInParallel(destinations, workers: workers) }
        var scratch = SolverScratch(graph: graph)
        var routes: [DestinationRoutes] = []
        routes.reserveCapacity(destinations.count)
        for domain in destinations { routes.append(scratch.solve(domain, graph: graph)) }
        return RouteSolution(graph: graph, destinations: destinations, routes: routes, work: scratch.work)
    }
}

/// Work counters of a solve, for profiling: nodes taken from the worklist, exports computed,
/// candidates imported.
public struct SolverWork: Sendable, Hashable {
    /// Nodes processed (a node processed twice counts twice).
    public var visits = 0
    /// Exports considered: a route and a live neighbour (valley-free export refuses most
    /// before the export function runs).
    public var exports = 0
    /// Routes that passed eligibility and import policy.
    public var imports = 0
}

/// The best routes of every node to one destination, compactly: per node, the slot of the
/// next hop (``RouteSolution/own`` for an origin, ``RouteSolution/none`` without a route),
/// the path length, price and local preference; a path is the next hop's operator followed by
/// the next hop's path, except where `paths` holds it (prepending).
struct DestinationRoutes: Sendable, Equatable {
    var nextHop: [Int32]
    var pathLength: [UInt16]
    var price: [UInt32]
    var localPreference: [UInt32]
    var paths: [Int32: [OperatorNumber]] = [:]
}

/// The state of one destination's solve, reused from one destination to the next.
struct SolverScratch {
    var best: [Candidate?]
    var received: [Candidate?]
    /// The slots of `received` that hold a candidate.
    var holding: SlotBitmap
    var queued: [Bool]
    var touchedNodes: [Int32] = []
    var touchedSlots: [Int32] = []
    var heap = MinHeap()
    var work = SolverWork()

    init(graph: RouteSolverGraph) {
        best = Array(repeating: nil, count: graph.nodeCount)
        received = Array(repeating: nil, count: graph.neighbourNode.count)
        holding = SlotBitmap(count: graph.neighbourNode.count)
        queued = Array(repeating: false, count: graph.nodeCount)
    }

    /// The worklist order: own and customer-learned routes, then peer-, then provider-learned
    /// (by local preference), shorter paths first; a node without a route first of all.
    static func priority(_ candidate: Candidate?) -> UInt64 {
        guard let candidate else { return 0 }
        let rank: UInt64 = candidate.localPreference >= Relationship.customer.defaultLocalPreference ? 0
            : (candidate.localPreference >= Relationship.peer.defaultLocalPreference ? 1 : 2)
        return rank << 20 | UInt64(min(candidate.pathLength, 0xFFFFF))
    }

    mutating func schedule(_ node: Int32) {
        guard !queued[Int(node)] else { return }
        queued[Int(node)] = true
        heap.push(Self.priority(best[Int(node)]) << 32 | UInt64(node))
    }

    mutating func solve(_ domain: DomainName, graph: RouteSolverGraph) -> DestinationRoutes {
        graph.configs.withUnsafeBufferPointer { configs in
            graph.localRefs.withUnsafeBufferPointer { locals in
                withExtendedLifetime(graph.localBoxes) {
                    solve(domain, graph: graph, view: SolverView(locals: locals, configs: configs))
                }
            }
        }
    }

    mutating func solve(_ domain: DomainName, graph: RouteSolverGraph, view: SolverView) -> DestinationRoutes {
        for origin in graph.origins[domain] ?? [] where graph.nodeUp[Int(origin)] {
            let local = view.locals[Int(origin)].takeUnretainedValue().config
            best[Int(origin)] = RouteImport.ownCandidate(local: local, attributes: RouteImport.ownAttributes(local: local))
            touchedNodes.append(origin)
            schedule(origin)
        }
        while let entry = heap.pop() {
            let node = Int32(truncatingIfNeeded: entry & 0xFFFF_FFFF)
            queued[Int(node)] = false
            process(node, domain: domain, graph: graph, view: view)
        }
        let result = record(graph: graph)
        for n in touchedNodes { best[Int(n)] = nil }
        for s in touchedSlots {
            received[Int(s)] = nil
            holding.set(Int(s), false)
        }
        touchedNodes.removeAll(keepingCapacity: true)
        touchedSlots.removeAll(keepingCapacity: true)
        return result
    }

    /// True when two candidates would rank and export alike.
    static func same(_ a: Candidate, _ b: Candidate) -> Bool {
        a.localPreference == b.localPreference && a.cost == b.cost && a.price == b.price && a.chargeback == b.chargeback
            && a.neighbourOperator == b.neighbourOperator && (a.attributes === b.attributes || a.attributes == b.attributes)
    }

    /// The best of `node`'s received candidates.
    func rescan(_ n: Int, graph: RouteSolverGraph) -> Candidate? {
        var best: Candidate?
        for k in Int(graph.offsets[n])..<Int(graph.offsets[n + 1]) {
            guard let candidate = received[k] else { continue }
            if let current = best, !DecisionProcess.isBetter(candidate, current) { continue }
            best = candidate
        }
        return best
    }

    /// The compact routes of every node.
    func record(graph: RouteSolverGraph) -> DestinationRoutes {
        let count = graph.nodeCount
        var routes = DestinationRoutes(
            nextHop: Array(repeating: RouteSolution.none, count: count), pathLength: Array(repeating: 0, count: count),
            price: Array(repeating: 0, count: count), localPreference: Array(repeating: 0, count: count))
        for node in touchedNodes {
            let n = Int(node)
            guard let best = best[n], routes.nextHop[n] == RouteSolution.none else { continue }
            routes.pathLength[n] = UInt16(best.pathLength)
            routes.price[n] = best.price
            routes.localPreference[n] = best.localPreference
            if best.isOwn {
                routes.nextHop[n] = RouteSolution.own
                continue
            }
            let slot = Int(graph.offsets[n]) + Int(best.neighbour)
            routes.nextHop[n] = Int32(slot)
            let via = Int(graph.neighbourNode[slot])
            if self.best[via]?.pathLength != best.pathLength - 1 { routes.paths[node] = best.attributes.operatorPath }
        }
        return routes
    }
}

/// One bit per neighbour slot: 400,000 slots take 50 kB, which stay in cache where the
/// candidates they stand for do not.
struct SlotBitmap {
    private var words: [UInt64]

    init(count: Int) { words = Array(repeating: 0, count: (count + 63) / 64) }

    func contains(_ slot: Int) -> Bool { words[slot >> 6] & (1 << UInt64(slot & 63)) != 0 }

    mutating func set(_ slot: Int, _ value: Bool) {
        if value { words[slot >> 6] |= 1 << UInt64(slot & 63) } else { words[slot >> 6] &= ~(1 << UInt64(slot & 63)) }
    }
}

/// A binary min-heap of `UInt64` keys.
struct MinHeap {
    var items: [UInt64] = []

    mutating func push(_ value: UInt64) {
        items.append(value)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard items[parent] > items[i] else { break }
            items.swapAt(parent, i)
            i = parent
        }
    }

    mutating func pop() -> UInt64? {
        guard let first = items.first else { return nil }
        let last = items.removeLast()
        guard !items.isEmpty else { return first }
        items[0] = last
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var smallest = i
            if l < items.count && items[l] < items[smallest] { smallest = l }
            if r < items.count && items[r] < items[smallest] { smallest = r }
            if smallest == i { break }
            items.swapAt(i, smallest)
            i = smallest
        }
        return first
    }
}

extension RouteSolver {
    /// `count` domains of `domains` drawn with `seed` (all of them when `count` is not smaller),
    /// in the order of `domains`. Same seed, same sample.
    public static func sample(_ domains: [DomainName], count: Int, seed: UInt64) -> [DomainName] {
        guard count < domains.count else { return domains }
        var rng = SeededRandom(seed: seed ^ 0x6465_7374_696E_6174)
        var indices = Array(domains.indices)
        for i in 0..<count {
            let j = i + Int(rng.next() % UInt64(indices.count - i))
            indices.swapAt(i, j)
        }
        return indices[0..<max(0, count)].sorted().map { domains[$0] }
    }
}
