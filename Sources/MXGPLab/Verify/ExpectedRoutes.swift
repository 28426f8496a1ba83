import MXGPCore
import MXGPSim
import MXGPTopology

/// A route reduced to what the lab compares: the next hop and the operator path.
public struct RouteKey: Sendable, Hashable, Codable, CustomStringConvertible {
    public var nextHop: String?
    public var path: [OperatorNumber]
    /// The decision step that made the route best (`price`, `expectedCost`, …) when known;
    /// shown, and checked by scenarios that ask for it, but not part of equality: two routes
    /// are the same route whatever step picked them.
    public var reason: String?
    public init(nextHop: String?, path: [OperatorNumber], reason: String? = nil) {
        self.nextHop = nextHop
        self.path = path
        self.reason = reason
    }
    public var description: String {
        (nextHop ?? "local") + (path.isEmpty ? "" : " [" + path.map(String.init).joined(separator: " ") + "]") + (reason.map { " (\($0))" } ?? "")
    }
    public static func == (a: RouteKey, b: RouteKey) -> Bool { a.nextHop == b.nextHop && a.path == b.path }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(nextHop)
        hasher.combine(path)
    }
}

/// The routes every node should have, from the in-process simulation of the same topology
/// with the same links and nodes out of service.
public struct ExpectedRoutes: Sendable {
    /// node → domain → route. Failed nodes have no entry.
    public var routes: [String: [String: RouteKey]]
    /// Whether the simulation converged.
    public var converged: Bool

    /// The routes of `topology` with `impact`'s links and nodes failed: from the message-level
    /// simulation for labs up to ``LabPlanner/bigLabNodes`` nodes, from the propagation solver
    /// (the same eligibility, decision and export code, cross-checked against the simulation in
    /// the tests) for bigger ones, where the simulation takes minutes.
    public init(topology: Topology, impact: FaultImpact) {
        var failedLinks: Set<SimLink> = []
        for link in impact.failedLinks where link.count == 2 { failedLinks.insert(SimLink(link[0], link[1])) }
        if topology.nodes.count > LabPlanner.bigLabNodes {
            self.init(solving: topology, failedLinks: failedLinks, failedNodes: impact.failedNodes)
        } else {
            self.init(simulating: topology, failedLinks: failedLinks, failedNodes: impact.failedNodes)
        }
    }

    /// Every node's routes from the message-level ``Simulation``.
    init(simulating topology: Topology, failedLinks: Set<SimLink>, failedNodes: Set<String>) {
        var options = SimulationOptions()
        options.failedLinks = failedLinks
        options.failedNodes = failedNodes
        let result = Simulation(topology: topology, options: options).run()
        converged = result.converged
        var routes: [String: [String: RouteKey]] = [:]
        for (name, views) in result.nodes where !failedNodes.contains(name) {
            routes[name] = Dictionary(uniqueKeysWithValues: views.map { ($0.domain.text, RouteKey(nextHop: $0.nextHop, path: $0.path)) })
        }
        self.routes = routes
    }

    /// Every node's route to every domain from ``RouteSolver`` (which always converges).
    init(solving topology: Topology, failedLinks: Set<SimLink>, failedNodes: Set<String>) {
        let graph = RouteSolverGraph(topology: topology, failedLinks: failedLinks, failedNodes: failedNodes)
        let solution = RouteSolver(graph: graph).solve(graph.domains)
        var routes: [String: [String: RouteKey]] = [:]
        for (n, name) in graph.names.enumerated() where !failedNodes.contains(name) {
            var table: [String: RouteKey] = [:]
            for (d, domain) in graph.domains.enumerated() {
                if let route = solution.route(node: n, destination: d) {
                    table[domain.text] = RouteKey(nextHop: route.nextHop, path: route.path)
                }
            }
            routes[name] = table
        }
        self.routes = routes
        converged = true
    }

    /// The nodes mail for `domain` crosses from `source`, source first and the origin last;
    /// nil when there is no route (or the next hops loop, which the protocol prevents).
    public func path(from source: String, to domain: String) -> [String]? {
        var hops = [source]
        var current = source
        while let route = routes[current]?[domain] {
            guard let next = route.nextHop else { return hops }
            guard !hops.contains(next) else { return nil }
            hops.append(next)
            current = next
        }
        return nil
    }
}
