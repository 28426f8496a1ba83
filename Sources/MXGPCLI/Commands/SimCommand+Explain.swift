import MXGPCore
import MXGPSim
import MXGPTopology

extension SimRunCommand {
    /// `--explain DOMAIN [--node N]`: converges the topology (and, with --fail-link or
    /// --fail-node, the topology without them too) and walks each node's decision for DOMAIN.
    func explain(_ text: String, topology: Topology, options: SimulationOptions) throws -> (text: String, converged: Bool) {
        guard let domain = DomainName(text) else { throw CLIError("--explain \(text.debugDescription) is not a domain name, e.g. bob.example") }
        if let node, topology.node(named: node) == nil {
            throw CLIError("--node \(node.debugDescription): no such node in \(topology.name); nodes: \(topology.nodes.map(\.name).joined(separator: ", "))")
        }
        let simulation = Simulation(topology: topology, options: options)
        let result = simulation.run()
        var baseline: Simulation?
        if !options.failedLinks.isEmpty || !options.failedNodes.isEmpty {
            var without = options
            without.failedLinks = []
            without.failedNodes = []
            without.trace = nil
            baseline = Simulation(topology: topology, options: without)
            _ = baseline?.run()
        }
        var out = "\(topology.name): \(result.converged ? "converged" : "NOT converged"); why each node routes \(domain) as it does\n"
        if !cuts.isEmpty { out += "cut: \(cuts.joined(separator: ", ")) (down for the whole run); each node says what changed against the run without the cut\n" }
        for name in topology.nodes.map(\.name) where node == nil || node == name {
            out += "\n"
            guard simulation.isUp(name), let engine = simulation.engine(of: name) else {
                out += "\(name) → \(domain): the node is down (--fail-node)\n"
                continue
            }
            let ranked = Self.ranked(engine, domain)
            let refused = engine.ineligibleRoutes().filter { $0.domain == domain && $0.reason != .loop }
                .map { ExplainRendering.Refused(neighbour: $0.neighbour, path: $0.path, reason: $0.reason.rawValue) }
            var before: ExplainRendering.Route??
            if let baseline {
                before = .some(baseline.engine(of: name).flatMap { Self.ranked($0, domain).first })
            }
            out += ExplainRendering.explain(node: name, domain: domain.text, ranked: ranked, refused: refused, baseline: before)
        }
        return (out, result.converged)
    }

    /// The node's ranked routes for exactly `domain`, best first.
    static func ranked(_ engine: RoutingEngine, _ domain: DomainName) -> [ExplainRendering.Route] {
        guard let route = engine.route(for: domain) else { return [] }
        return [ExplainRendering.Route(route)] + route.alternates.map(ExplainRendering.Route.init)
    }
}
