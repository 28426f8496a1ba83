import MXGPCore
import MXGPTopology
import Testing
@testable import MXGPSim

/// The parallel solve against the serial one: the same routes, paths and work counters.
@Suite struct RouteSolverParallelTests {
    static func expectSame(_ serial: RouteSolution, _ parallel: RouteSolution) {
        #expect(parallel.destinations == serial.destinations)
        #expect(parallel.routes == serial.routes)
        #expect(parallel.work == serial.work)
    }

    @Test(arguments: [2, 3, 8])
    func parallelSolveEqualsSerial(workers: Int) {
        let topology = TopologyGenerator.generate(.internet, nodes: 500, seed: 3)
        let graph = RouteSolverGraph(topology: topology)
        let sampled = RouteSolver.sample(graph.domains, count: 7, seed: 3)
        let solver = RouteSolver(graph: graph)
        Self.expectSame(solver.solve(sampled), solver.solve(sampled, workers: workers))
    }

    @Test func parallelSolveWithFailuresEqualsSerial() {
        let topology = TopologyGenerator.generate(.internet, nodes: 300, seed: 9)
        let link = topology.links[topology.links.count / 2]
        let graph = RouteSolverGraph(topology: topology, failedLinks: [SimLink(link.a, link.b)], failedNodes: [topology.nodes[10].name])
        let solver = RouteSolver(graph: graph)
        Self.expectSame(solver.solve(graph.domains), solver.solve(graph.domains, workers: 2))
    }

    @Test func moreWorkersThanDestinations() {
        let graph = RouteSolverGraph(topology: TopologyGenerator.generate(.tiers, nodes: 60, seed: 4))
        let sampled = Array(graph.domains.prefix(2))
        let solver = RouteSolver(graph: graph)
        Self.expectSame(solver.solve(sampled), solver.solve(sampled, workers: 16))
        #expect(solver.solve([], workers: 4).destinations.isEmpty)
    }
}
