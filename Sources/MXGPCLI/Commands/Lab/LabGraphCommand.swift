import ArgumentParser
import Foundation
import MXGPLab
import MXGPSim
import MXGPTopology

/// `mxgp lab graph LAB|TOPOLOGY.yaml [--format dot|mermaid|svg|png] [--output FILE]`.
struct LabGraphCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Draw a lab (with its faults) or a topology file: DOT, Mermaid, or SVG/PNG with Graphviz.",
        discussion: """
            Nodes are coloured by role (Tier 1 orange, upstream blue, colo green) and show their \
            operator number; an arrow runs from customer to provider, a dashed line without arrow \
            joins peers; faults are drawn in red on the links and nodes they break, and a cut, \
            downed or partitioned link as a red broken line. Every picture carries a legend. \
            --domain D draws each colo's current path toward D: a lab's live routes, or for a \
            topology file the simulation's. svg and png need Graphviz's `dot` (apt-get install graphviz).
            """)

    @Argument(help: "A lab that is up, or a topology file.") var target: String
    @Option(help: "dot, mermaid, svg or png.") var format = "dot"
    @Option(name: [.short, .long], help: "Write to FILE instead of standard output (needed for png).") var output: String?
    @Option(help: ArgumentHelp("Draw each colo's current path toward DOMAIN.", valueName: "DOMAIN")) var domain: String?
    @OptionGroup var options: LabOptions

    func validate() throws {
        guard ["dot", "mermaid", "svg", "png"].contains(format) else { throw ValidationError("--format must be dot, mermaid, svg or png") }
        if format == "png", output == nil { throw ValidationError("png needs --output FILE") }
    }

    func run() async throws {
        try await labReporting {
            let (topology, faults, lab) = try load()
            var paths: LabGraph.Paths?
            if let domain { paths = try await self.paths(to: domain, topology: topology, lab: lab) }
            let text: String
            switch format {
            case "mermaid": text = LabGraph.mermaid(topology, faults: faults, paths: paths)
            case "dot": text = LabGraph.dot(topology, faults: faults, paths: paths)
            default:
                try await render(LabGraph.dot(topology, faults: faults, paths: paths))
                return
            }
            if let output { try text.write(toFile: output, atomically: true, encoding: .utf8) } else { print(text, terminator: "") }
        }
    }

    func load() throws -> (Topology, [LabFault], Lab?) {
        if FileManager.default.fileExists(atPath: target), target.hasSuffix(".yaml") || target.hasSuffix(".yml") {
            return (try Topology.load(path: target).topology, [], nil)
        }
        let lab = try options.controller().open(target)
        return (lab.plan.topology, lab.state.faults, lab)
    }

    /// Each colo's path toward `domain`: the lab's live routes (a node that does not answer has
    /// none), or the simulation's for a topology file.
    func paths(to domain: String, topology: Topology, lab: Lab?) async throws -> LabGraph.Paths {
        guard topology.nodes.contains(where: { $0.domains.map(\.text).contains(domain) }) else {
            throw CLIError("no node of \(topology.name) originates \(domain); its domains: "
                           + topology.nodes.flatMap { $0.domains.map(\.text) }.joined(separator: ", "))
        }
        guard let lab else {
            let simulated = Simulation(topology: topology).run()
            let routes = Dictionary(uniqueKeysWithValues: simulated.nodes.map { node in
                (node.name, Dictionary(uniqueKeysWithValues: node.routes.map { ($0.domain.text, RouteKey(nextHop: $0.nextHop, path: $0.path)) }))
            })
            return LabGraph.Paths(domain: domain, topology: topology, routes: routes)
        }
        var routes: [String: [String: RouteKey]] = [:]
        for node in lab.plan.nodes { routes[node.name] = try? await lab.liveRoutes(node.name) }
        return LabGraph.Paths(domain: domain, topology: topology, routes: routes)
    }

    /// Runs Graphviz's dot to make svg or png.
    func render(_ dot: String) async throws {
        let input = NSTemporaryDirectory() + "mxgp-graph-\(UInt32.random(in: 0...UInt32.max)).dot"
        try dot.write(toFile: input, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: input) }
        let argv = ["dot", "-T\(format)", input] + (output.map { ["-o", $0] } ?? [])
        let result = await ProcessRunner().run(argv, timeout: .seconds(60))
        if result.status == 127 {  // env: command not found
            throw CLIError("Graphviz is not installed (no `dot` command): install it (apt-get install -y graphviz), or use --format dot or mermaid")
        }
        guard result.succeeded else { throw CLIError("Graphviz failed: \(result.message)") }
        if output == nil { print(result.stdout, terminator: "") }
    }
}
