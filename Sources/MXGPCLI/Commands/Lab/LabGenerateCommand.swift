import ArgumentParser
import MXGPTopology

/// `mxgp lab generate [--shape tiers] --nodes N [--seed S] [--name NAME]`.
struct LabGenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Print a generated topology file (the shape `mxgp sim --generate` uses), e.g. for a big lab.",
        discussion: """
            Writes a topology of about --nodes nodes to standard output: a Tier-1 clique, two \
            levels of upstreams with some peering, colos multi-homed to 1–3 upstreams, one domain \
            per colo. The same seed gives the same file. Labs/large-1000.yaml was made with \
            `mxgp lab generate --nodes 1000 --seed 1 --name large-1000`.
            """)

    @Option(help: "Shape of the topology (tiers).") var shape = "tiers"
    @Option(help: "Number of nodes (6…62500).") var nodes: Int
    @Option(help: "Seed for the generator.") var seed: UInt64 = 1
    @Option(help: "The topology's name (also the lab's default name).") var name: String?

    func validate() throws {
        guard TopologyGenerator.Shape(rawValue: shape) != nil else {
            throw ValidationError("unknown shape \(shape.debugDescription); known: \(TopologyGenerator.Shape.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard (6...62_500).contains(nodes) else { throw ValidationError("--nodes must be 6…62500") }
    }

    func run() throws {
        var topology = TopologyGenerator.generate(TopologyGenerator.Shape(rawValue: shape)!, nodes: nodes, seed: seed)
        if let name { topology.name = name }
        let header = """
            # \(topology.name): a generated \(shape) topology of \(topology.nodes.count) nodes and \(topology.links.count) links.
            # Made with: mxgp lab generate --shape \(shape) --nodes \(nodes) --seed \(seed)\(name.map { " --name \($0)" } ?? "")

            """
        print(header + topology.yamlText, terminator: "")
    }
}
