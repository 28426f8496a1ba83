import MXGPCore

/// How the routes of two solutions of the same nodes and destinations differ (before and
/// after a `--what-if` change), pair by pair: a (source, destination) pair is a live node and a
/// destination it does not originate.
public struct WhatIfComparison: Sendable {
    /// What happened to one pair.
    public enum Effect: String, Sendable, CaseIterable {
        /// It had a route and has none.
        case lost = "lose their route"
        /// It had none and has one.
        case gained = "gain a route"
        /// It has a route with another path (next hop or farther).
        case changedPath = "change path"
        /// It pays its next hop more per message.
        case paysMore = "pay more"
        /// It pays its next hop less per message.
        case paysLess = "pay less"
    }

    /// One pair that changed, for examples.
    public struct Example: Sendable, Hashable {
        public var source: String
        public var destination: DomainName
        public var before: RouteSolution.Route?
        public var after: RouteSolution.Route?
    }

    /// Pairs compared (live before and after, not the origin).
    public var pairs = 0
    /// Pairs per effect (a pair that changes path and pays more counts in both).
    public var counts: [Effect: Int] = [:]
    /// The first few pairs per effect, in destination then node order.
    public var examples: [Effect: [Example]] = [:]

    /// Compares `before` and `after` (same nodes, same destinations in the same order),
    /// keeping up to `examples` examples per effect.
    public init(before: RouteSolution, after: RouteSolution, examples limit: Int = 5) {
        let nodes = before.graph.nodeCount
        for d in before.destinations.indices {
            for n in 0..<nodes where before.graph.nodeUp[n] && after.graph.nodeUp[n] {
                if before.isOrigin(node: n, destination: d) || after.isOrigin(node: n, destination: d) { continue }
                pairs += 1
                let had = before.hasRoute(node: n, destination: d), has = after.hasRoute(node: n, destination: d)
                var effects: [Effect] = []
                switch (had, has) {
                case (false, false): continue
                case (true, false): effects = [.lost]
                case (false, true): effects = [.gained]
                case (true, true):
                    if !Self.samePath(before, after, node: n, destination: d) { effects.append(.changedPath) }
                    let p0 = before.price(node: n, destination: d)!, p1 = after.price(node: n, destination: d)!
                    if p1 > p0 { effects.append(.paysMore) } else if p1 < p0 { effects.append(.paysLess) }
                }
                for effect in effects {
                    counts[effect, default: 0] += 1
                    if examples[effect, default: []].count < limit {
                        examples[effect, default: []].append(Example(
                            source: before.graph.names[n], destination: before.destinations[d],
                            before: before.route(node: n, destination: d), after: after.route(node: n, destination: d)))
                    }
                }
            }
        }
    }

    /// True when `node` reaches destination `d` over the same operators in both.
    static func samePath(_ a: RouteSolution, _ b: RouteSolution, node: Int, destination d: Int) -> Bool {
        guard a.pathLength(node: node, destination: d) == b.pathLength(node: node, destination: d) else { return false }
        var x = node, y = node
        // Walk both next-hop chains while they coincide; compare whole paths where they part.
        while let nx = a.nextHopNode(node: x, destination: d), let ny = b.nextHopNode(node: y, destination: d), nx == ny,
            !a.hasStoredPath(node: x, destination: d), !b.hasStoredPath(node: y, destination: d)
        {
            x = nx
            y = ny
        }
        if a.nextHopNode(node: x, destination: d) == nil && b.nextHopNode(node: y, destination: d) == nil { return true }
        return a.path(node: node, destination: d) == b.path(node: node, destination: d)
    }
}

extension RouteSolution {
    /// True when `node`'s path is stored whole (it is not the next hop's operator and path).
    func hasStoredPath(node: Int, destination: Int) -> Bool { routes[destination].paths[Int32(node)] != nil }
}
