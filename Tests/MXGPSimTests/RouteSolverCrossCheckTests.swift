import Foundation
import MXGPCore
import MXGPTopology
import Testing
@testable import MXGPSim

/// The propagation solver against the message-level simulation: on generated graphs, every
/// node's route (next hop, path, price, local preference) to sampled destinations is the one
/// the simulation converges to.
@Suite struct RouteSolverCrossCheckTests {
    /// Differences between the solver and the simulation for `k` destinations sampled with
    /// `seed`. Only the destinations keep their domains (routes of different domains do not
    /// interact), so the simulation carries k domains, not one per node.
    static func differences(_ full: Topology, destinations k: Int, seed: UInt64, failedLinks: Set<SimLink> = [], failedNodes: Set<String> = []) -> [String] {
        let graph = RouteSolverGraph(topology: full, failedLinks: failedLinks, failedNodes: failedNodes)
        let sampled = RouteSolver.sample(graph.domains, count: k, seed: seed)
        let solution = RouteSolver(graph: graph).solve(sampled)
        var topology = full
        let kept = Set(sampled)
        for i in topology.nodes.indices { topology.nodes[i].domains.removeAll { !kept.contains($0) } }
        let result = Simulation(topology: topology, options: SimulationOptions(seed: seed, failedLinks: failedLinks, failedNodes: failedNodes)).run()
        guard result.converged else { return ["the simulation did not converge"] }
        var differences: [String] = []
        for (n, node) in result.nodes.enumerated() {
            let simulated = Dictionary(uniqueKeysWithValues: node.routes.map { ($0.domain, $0) })
            for (d, domain) in sampled.enumerated() {
                let solved = solution.route(node: n, destination: d)
                let expected = simulated[domain].map {
                    RouteSolution.Route(nextHop: $0.nextHop, path: $0.path, price: $0.price, localPreference: $0.localPreference)
                }
                if solved != expected, differences.count < 10 {
                    differences.append("\(node.name) → \(domain): solver \(String(describing: solved)), simulation \(String(describing: expected))")
                }
            }
        }
        return differences
    }

    @Test(arguments: [(200, UInt64(1)), (300, UInt64(2))])
    func internetGraphs(nodes: Int, seed: UInt64) {
        let topology = TopologyGenerator.generate(.internet, nodes: nodes, seed: seed)
        #expect(Self.differences(topology, destinations: 4, seed: seed) == [])
    }

    @Test func tiersGraph() {
        let topology = TopologyGenerator.generate(.tiers, nodes: 150, seed: 5)
        #expect(Self.differences(topology, destinations: 4, seed: 5) == [])
    }

    /// Slow in a debug build (the message-level simulation of 2,000 nodes): run with
    /// MXGP_SIM_LARGE=1. Not in CI.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["MXGP_SIM_LARGE"] == "1"))
    func twoThousandNodes() {
        let topology = TopologyGenerator.generate(.internet, nodes: 2000, seed: 7)
        #expect(Self.differences(topology, destinations: 2, seed: 7) == [])
    }

    @Test func failedLinksAndNodes() {
        let topology = TopologyGenerator.generate(.internet, nodes: 200, seed: 11)
        let busiest = Dictionary(grouping: topology.links.filter { $0.aRole == .customer }, by: \.b).max { $0.value.count < $1.value.count }!
        let link = busiest.value[0]
        #expect(Self.differences(topology, destinations: 4, seed: 11, failedLinks: [SimLink(link.a, link.b)], failedNodes: [topology.nodes[20].name]) == [])
    }

    @Test func whatIfChangesSolveLikeTheChangedTopology() throws {
        let topology = TopologyGenerator.generate(.internet, nodes: 200, seed: 13)
        let customer = topology.links.first { $0.aRole == .customer && $0.a.hasPrefix("as2") }!
        let changes = try WhatIfChange.parse("price \(customer.a) \(customer.b) 50; avoid as40 2", topology: topology)
        var changed = topology
        var links: Set<SimLink> = [], nodes: Set<String> = []
        for change in changes { change.apply(to: &changed, failedLinks: &links, failedNodes: &nodes) }
        #expect(changed.links.first { $0.a == customer.a && $0.b == customer.b }?.price == 50)
        #expect(Self.differences(changed, destinations: 4, seed: 13) == [])
    }

    @Test func depeeringCountsLostAndChangedRoutes() throws {
        let topology = TopologyGenerator.generate(.internet, nodes: 200, seed: 17)
        // A single-homed stub loses every route when its only link goes.
        var degree: [String: Int] = [:]
        for link in topology.links { degree[link.a, default: 0] += 1; degree[link.b, default: 0] += 1 }
        let providers = Dictionary(grouping: topology.links.filter { $0.aRole == .customer }, by: \.a)
        let (stub, links) = providers.filter { $0.value.count == 1 && degree[$0.key] == 1 }.min { $0.key < $1.key }!
        let graph = RouteSolverGraph(topology: topology)
        let sampled = RouteSolver.sample(graph.domains, count: 5, seed: 17)
        let before = RouteSolver(graph: graph).solve(sampled)
        let changes = try WhatIfChange.parse("depeer \(stub) \(links[0].b)", topology: topology)
        var failed: Set<SimLink> = [], nodes: Set<String> = []
        var changed = topology
        for change in changes { change.apply(to: &changed, failedLinks: &failed, failedNodes: &nodes) }
        let after = RouteSolver(graph: RouteSolverGraph(topology: changed, failedLinks: failed)).solve(sampled)
        let comparison = WhatIfComparison(before: before, after: after)
        #expect(comparison.counts[.lost, default: 0] >= sampled.filter { $0.text != "\(stub).example" }.count)
        #expect(comparison.examples[.lost]?.isEmpty == false)
        #expect(throws: WhatIfChange.ParseError.self) { try WhatIfChange.parse("depeer \(stub) as1 as2", topology: topology) }
        #expect(throws: WhatIfChange.ParseError.self) { try WhatIfChange.parse("unplug as1", topology: topology) }
    }
}
