import Foundation
import MXGPCore
import MXGPProcess
import MXGPSim
import MXGPTopology

extension SimRunCommand {
    /// True when the propagation solver answers instead of the message-level simulation.
    var usesSolver: Bool { destinations != nil || whatIf != nil || importCAIDA != nil || generate == TopologyGenerator.Shape.internet.rawValue }

    /// `--destinations`, `--what-if`, `--generate internet`, `--import-caida`: every node's
    /// route to K destinations by the propagation solver, and with --what-if the pairs a change affects.
    func solve(topology: Topology, loading: Duration) throws -> String {
        let clock = ContinuousClock()
        let start = clock.now
        let (failedLinks, failedNodes) = try failures(in: topology)
        let changes = try whatIf.map { text in
            do { return try WhatIfChange.parse(text, topology: topology) } catch { throw CLIError("\(error)") }
        }
        let graph = RouteSolverGraph(topology: topology, failedLinks: failedLinks, failedNodes: failedNodes)
        let count = destinations ?? (graph.domains.count <= 1000 ? graph.domains.count : 100)
        let sampled = RouteSolver.sample(graph.domains, count: count, seed: seed)
        let indexed = clock.now
        // Destinations are independent: one worker per core (the solution is the serial one).
        let workers = ProcessInfo.processInfo.activeProcessorCount
        let before = RouteSolver(graph: graph).solve(sampled, workers: workers)
        let solved = clock.now
        var report = SolverReport(
            topology: topology, graph: graph, solution: before, seed: seed, sampledFrom: graph.domains.count,
            loading: loading, indexing: indexed - start, solving: solved - indexed)
        if let changes {
            var changed = topology
            var links = failedLinks, nodes = failedNodes
            for change in changes { change.apply(to: &changed, failedLinks: &links, failedNodes: &nodes) }
            let again = clock.now
            let after = RouteSolver(graph: RouteSolverGraph(topology: changed, failedLinks: links, failedNodes: nodes)).solve(sampled, workers: workers)
            report.whatIf = (changes, WhatIfComparison(before: before, after: after), clock.now - again)
        }
        report.wall = loading + (clock.now - start)
        report.peakResidentBytes = ProcessUsage.current?.peakResidentBytes ?? ProcessUsage.currentPeakResidentBytes()
        // The process exits right after printing: skip freeing millions of routes.
        _ = Unmanaged.passRetained(SolverKeepAlive(report))
        return json ? try JSONOutput.render(report.json) + "\n" : report.text
    }

    /// `--fail-link A,B` and `--fail-node N`, checked against `topology`.
    func failures(in topology: Topology) throws -> (Set<SimLink>, Set<String>) {
        var links: Set<SimLink> = []
        var nodes: Set<String> = []
        for text in failLinks {
            let parts = text.split(separator: ",").map(String.init)
            guard parts.count == 2, parts.allSatisfy({ topology.node(named: $0) != nil }) else {
                throw CLIError("--fail-link \(text.debugDescription): expected two node names of \(topology.name), like up1,t1a")
            }
            guard topology.links.contains(where: { SimLink($0.a, $0.b) == SimLink(parts[0], parts[1]) }) else {
                throw CLIError("--fail-link \(text.debugDescription): \(topology.name) has no link between \(parts[0]) and \(parts[1])")
            }
            links.insert(SimLink(parts[0], parts[1]))
        }
        for name in failNodes {
            guard topology.node(named: name) != nil else { throw CLIError("--fail-node \(name.debugDescription): no such node in \(topology.name)") }
            nodes.insert(name)
        }
        return (links, nodes)
    }

    /// `--import-caida FILE` as a topology.
    func importedTopology(_ path: String) throws -> Topology {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError("cannot read \(path); give a CAIDA AS-relationship file (e.g. 20240101.as-rel2.txt, decompressed)")
        }
        let name = "caida"
        do {
            return try CAIDARelationships.topology(parsing: String(decoding: data, as: UTF8.self), name: name)
        } catch {
            throw CLIError("\(path): \(error)")
        }
    }
}

/// Holds a report past the end of the command (freeing is skipped on purpose).
final class SolverKeepAlive {
    let report: SolverReport
    init(_ report: SolverReport) { self.report = report }
}
