import MXGPCore

/// Every node's best route to each destination of a ``RouteSolver`` run.
public struct RouteSolution: Sendable {
    /// Next-hop value of an origin (its own domain).
    public static let own: Int32 = -1
    /// Next-hop value of a node without a route.
    public static let none: Int32 = -2

    /// The indexed topology.
    public let graph: RouteSolverGraph
    /// The destinations, in the order solved.
    public let destinations: [DomainName]
    let routes: [DestinationRoutes]
    /// What the solve did.
    public let work: SolverWork

    init(graph: RouteSolverGraph, destinations: [DomainName], routes: [DestinationRoutes], work: SolverWork) {
        self.graph = graph
        self.destinations = destinations
        self.routes = routes
        self.work = work
    }

    /// One node's route to one destination.
    public struct Route: Sendable, Hashable {
        /// The neighbour mail goes to; nil for an own domain.
        public var nextHop: String?
        /// Operator path as received (next hop's operator first, origin last); empty for an own domain.
        public var path: [OperatorNumber]
        /// PRICE after import policy: what the node pays its next hop per message.
        public var price: UInt32
        /// Local preference after import policy.
        public var localPreference: UInt32
    }

    /// True when `node` has a route to destination number `destination`.
    public func hasRoute(node: Int, destination: Int) -> Bool { routes[destination].nextHop[node] != Self.none }

    /// True when `node` originates destination number `destination`.
    public func isOrigin(node: Int, destination: Int) -> Bool { routes[destination].nextHop[node] == Self.own }

    /// The next hop's node index, nil for an origin or without a route.
    public func nextHopNode(node: Int, destination: Int) -> Int? {
        let slot = routes[destination].nextHop[node]
        return slot >= 0 ? Int(graph.neighbourNode[Int(slot)]) : nil
    }

    /// Path length (operators in the path) of `node`'s route; nil without a route.
    public func pathLength(node: Int, destination: Int) -> Int? {
        hasRoute(node: node, destination: destination) ? Int(routes[destination].pathLength[node]) : nil
    }

    /// The price `node` pays per message on its route; nil without a route.
    public func price(node: Int, destination: Int) -> UInt32? {
        hasRoute(node: node, destination: destination) ? routes[destination].price[node] : nil
    }

    /// `node`'s route to destination number `destination`, nil without one.
    public func route(node: Int, destination: Int) -> Route? {
        let r = routes[destination]
        let slot = r.nextHop[node]
        if slot == Self.none { return nil }
        return Route(
            nextHop: slot >= 0 ? graph.configs[Int(slot)].name : nil, path: path(node: node, destination: destination),
            price: r.price[node], localPreference: r.localPreference[node])
    }

    /// The operator path of `node`'s route: the next hop's operator, then the next hop's path.
    public func path(node: Int, destination: Int) -> [OperatorNumber] {
        let r = routes[destination]
        var path: [OperatorNumber] = []
        var n = node
        while true {
            if let stored = r.paths[Int32(n)] { return path + stored }
            let slot = r.nextHop[n]
            guard slot >= 0 else { return path }
            path.append(graph.configs[Int(slot)].operatorNumber)
            n = Int(graph.neighbourNode[Int(slot)])
        }
    }
}

/// Route statistics of a solution: reachable (source, destination) pairs and path lengths.
public struct RouteStatistics: Sendable, Hashable {
    /// Pairs of a live node and a destination it does not originate.
    public var pairs = 0
    /// Those with a route.
    public var reachable = 0
    /// Routes by path length (operators in the path): `lengths[k]` routes of length k.
    public var lengths: [Int] = []
    /// Routes learned from customers, peers and providers (by local preference).
    public var fromCustomers = 0, fromPeers = 0, fromProviders = 0

    /// Mean path length of the reachable pairs.
    public var meanLength: Double {
        reachable == 0 ? 0 : Double(lengths.enumerated().reduce(0) { $0 + $1.offset * $1.element }) / Double(reachable)
    }

    /// The statistics of `solution`.
    public init(_ solution: RouteSolution) {
        for (d, routes) in solution.routes.enumerated() {
            _ = d
            for n in 0..<solution.graph.nodeCount where solution.graph.nodeUp[n] && routes.nextHop[n] != RouteSolution.own {
                pairs += 1
                guard routes.nextHop[n] != RouteSolution.none else { continue }
                reachable += 1
                let length = Int(routes.pathLength[n])
                if lengths.count <= length { lengths += Array(repeating: 0, count: length + 1 - lengths.count) }
                lengths[length] += 1
                let lp = routes.localPreference[n]
                if lp >= Relationship.customer.defaultLocalPreference { fromCustomers += 1 }
                else if lp >= Relationship.peer.defaultLocalPreference { fromPeers += 1 }
                else { fromProviders += 1 }
            }
        }
    }
}
