import ArgumentParser
import Foundation
import MXGPLab
import MXGPTopology

/// `mxgp lab graph LAB|TOPOLOGY.yaml [--format dot|mermaid|svg|png] [--output FILE]`.
struct LabGraphCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Draw a lab (with its faults) or a topology file: DOT, Mermaid, or SVG/PNG with Graphviz.",
        discussion: """
            Nodes are coloured by role (Tier 1 orange, upstream blue, colo green); an arrow runs
            from customer to provider, a dashed line joins peers; faults are drawn in red on the
            links and nodes they break. svg and png need Graphviz's `dot` (apt-get install graphviz).
            """)

    @Argument(help: "A lab that is up, or a topology file.") var target: String
    @Option(help: "dot, mermaid, svg or png.") var format = "dot"
    @Option(name: [.short, .long], help: "Write to FILE instead of standard output (needed for png).") var output: String?
    @OptionGroup var options: LabOptions

    func validate() throws {
        guard ["dot", "mermaid", "svg", "png"].contains(format) else { throw ValidationError("--format must be dot, mermaid, svg or png") }
        if format == "png", output == nil { throw ValidationError("png needs --output FILE") }
    }

    func run() async throws {
        try await labReporting {
            let (topology, faults) = try load()
            let text: String
            switch format {
            case "mermaid": text = LabGraph.mermaid(topology, faults: faults)
            case "dot": text = LabGraph.dot(topology, faults: faults)
            default:
                try await render(LabGraph.dot(topology, faults: faults))
                return
            }
            if let output { try text.write(toFile: output, atomically: true, encoding: .utf8) } else { print(text, terminator: "") }
        }
    }

    func load() throws -> (Topology, [LabFault]) {
        if FileManager.default.fileExists(atPath: target), target.hasSuffix(".yaml") || target.hasSuffix(".yml") {
            return (try Topology.load(path: target).topology, [])
        }
        let lab = try options.controller().open(target)
        return (lab.plan.topology, lab.state.faults)
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
