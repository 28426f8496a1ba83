import ArgumentParser
import Foundation
import MXGPCore
import MXGPLab
import MXGPSim
import MXGPTopology

/// `mxgp sim TOPOLOGY.yaml [--seed N] [--json]`, `mxgp sim --generate tiers --nodes N`,
/// `mxgp sim --generate internet --nodes N --destinations K [--what-if CHANGES]`,
/// `mxgp sim --import-caida FILE` and `mxgp sim --replay RUN-FOLDER [--trace DOMAIN] [--message ID]`.
struct SimRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Converge a topology in-process and print every node's routes, or replay a lab run (the default).",
        discussion: """
            Every node runs the real codec, session state machine and decision process over \
            in-memory links on a virtual clock. The same topology and seed give the same \
            output, byte for byte. Exit status 0 when converged, 1 when not, 2 on bad input.

            --replay RUN-FOLDER plays a recorded run (a folder runs/<scenario>/<stamp>/ that \
            mxgp lab run wrote, on any backend, or one from mxgp lab capture) in the simulator: \
            its topology, seed, sends, faults and heals at their recorded times, mail included. \
            It prints where each message went in the lab and in the replay, the route changes \
            of --trace DOMAIN, and with --message ID one message's story. A routing bug seen in \
            a lab becomes a deterministic reproduction that needs neither root nor Docker. \
            Exit status 0 when the replay found every message where the lab did.

            --destinations K (and --generate internet, --import-caida FILE, --what-if) computes \
            every node's route to K domains sampled from the seed with a propagation solver \
            that calls the nodes' own eligibility, import, decision and export code (checked \
            against the message-level simulation in tests), and prints the wall time, peak \
            memory and route statistics. --generate internet --nodes 75000 makes a graph with \
            the Internet's degree structure; --import-caida reads CAIDA's AS-relationship files \
            (<provider>|<customer>|-1 and <peer>|<peer>|0 lines, serial-1 or serial-2), each AS \
            an operator with one node as<N> and one domain as<N>.example. \
            --what-if solves again after a change and counts the (source, destination) pairs \
            that lose their route, gain one, change path, pay more or pay less, with examples:
              depeer A B      remove the link between A and B
              price A B N     the link's contract price becomes N (the customer pays it)
              avoid A B       A rejects every route whose path crosses B's operator
              fail-node A     A is down
            several separated by ';', A and B node names (as174) or operator numbers (174).
            """
    )

    @Argument(help: "Topology file (YAML), e.g. Labs/quickstart.yaml.")
    var topology: String?

    @Option(help: "Seed for link latencies and start order.")
    var seed: UInt64 = 1

    @Flag(help: "Print JSON: {\"converged\": …, \"nodes\": {NODE: {\"routes\": {DOMAIN: ROUTE}}}}.")
    var json = false

    @Option(help: "Generate a topology instead of reading one (shape: tiers, internet).")
    var generate: String?

    @Option(help: "Number of nodes of a generated topology.")
    var nodes: Int = 100

    @Option(name: .customLong("fail-link"), help: "Take a link down for the whole run: A,B (repeatable).")
    var failLinks: [String] = []

    @Option(name: .customLong("fail-node"), help: "Take a node down for the whole run (repeatable).")
    var failNodes: [String] = []

    @Flag(help: "Print only a summary line (time, messages), not the routes.")
    var summary = false

    @Flag(help: "Print session events (established, down, failed handshakes) to standard error.")
    var events = false

    @Option(name: .customLong("import-caida"), help: ArgumentHelp("Read a CAIDA AS-relationship file (serial-1 or serial-2) as the topology; solved like --destinations.", valueName: "FILE"))
    var importCAIDA: String?

    @Option(help: ArgumentHelp("Solve every node's route to K domains sampled from the seed with the propagation solver (default with --generate internet or --import-caida: every domain up to 1,000, else 100).", valueName: "K"))
    var destinations: Int?

    @Option(name: .customLong("what-if"), help: ArgumentHelp("Solve again after CHANGES and count the pairs that lose their route, change path or pay more: depeer A B | price A B N | avoid A B | fail-node A, separated by ';'.", valueName: "CHANGES"))
    var whatIf: String?

    @Option(name: .customLong("export-caida"), help: ArgumentHelp("Also write the topology's links to FILE in CAIDA serial-2 format (for other simulators).", valueName: "FILE"))
    var exportCAIDA: String?

    @Option(help: ArgumentHelp("Replay a recorded run folder (runs/<scenario>/<stamp>/) in the simulator.", valueName: "RUN-FOLDER"))
    var replay: String?

    @Option(help: ArgumentHelp("Print the route changes of DOMAIN at every node (repeatable).", valueName: "DOMAIN"))
    var trace: [String] = []

    @Option(help: ArgumentHelp("With --replay: one message's story, by its Message-ID in the recording or the replay.", valueName: "ID"))
    var message: String?

    @Option(help: ArgumentHelp("Walk the decision for DOMAIN: every candidate, the step each won or lost on, refused routes and what each value means.", valueName: "DOMAIN"))
    var explain: String?

    @Option(help: ArgumentHelp("With --explain: only this node (default: every node).", valueName: "NODE"))
    var node: String?

    func validate() throws {
        if replay != nil {
            if topology != nil || generate != nil || importCAIDA != nil { throw ValidationError("--replay takes its topology from the run folder; give no topology file or --generate") }
            return
        }
        if message != nil { throw ValidationError("--message needs --replay RUN-FOLDER") }
        if node != nil, explain == nil { throw ValidationError("--node goes with --explain DOMAIN") }
        if explain != nil, json || summary { throw ValidationError("--explain prints an explanation; leave out --json and --summary") }
        let sources = [topology != nil, generate != nil, importCAIDA != nil].filter { $0 }.count
        if sources == 0 {
            throw ValidationError("give a topology file (e.g. Labs/quickstart.yaml), --generate tiers|internet, --import-caida FILE, or --replay RUN-FOLDER")
        }
        if sources > 1 {
            throw ValidationError("give one of a topology file, --generate and --import-caida")
        }
        if let destinations, destinations < 1 { throw ValidationError("--destinations takes a number of domains, at least 1") }
        if usesSolver, explain != nil || !trace.isEmpty || events {
            throw ValidationError("--explain, --trace and --events belong to the message-level simulation; leave out --destinations, --what-if (and use a topology file or --generate tiers)")
        }
        if let generate, TopologyGenerator.Shape(rawValue: generate) == nil {
            throw ValidationError("unknown shape \(generate.debugDescription); known: \(TopologyGenerator.Shape.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() async throws {
        if let replay {
            var matched = false
            try await labReporting { matched = try await self.replay(replay) }
            if !matched { throw ExitCode(1) }
            return
        }
        try CLIError.reporting { try simulate() }
    }

    func simulate() throws {
        if usesSolver || exportCAIDA != nil {
            let clock = ContinuousClock()
            var topology: Topology!
            let loading = try clock.measure { topology = try loadTopology() }
            if let exportCAIDA {
                do {
                    try CAIDARelationships.render(topology).write(toFile: exportCAIDA, atomically: true, encoding: .utf8)
                } catch {
                    throw CLIError("cannot write \(exportCAIDA): \(error.localizedDescription)")
                }
            }
            if usesSolver {
                print(try solve(topology: topology, loading: loading), terminator: "")
                return
            }
        }
        let (text, converged) = try render()
        print(text, terminator: "")
        if !converged { throw ExitCode(1) }
    }

    /// Replays a run folder; returns whether every message went where the lab saw it go.
    func replay(_ folder: String) async throws -> Bool {
        let replay = try RunReplay.load(folder: folder)
        let domains = try trace.map { text in
            guard let domain = DomainName(text) else { throw CLIError("--trace \(text.debugDescription) is not a domain name") }
            return domain
        }
        let result = await replay.run(trace: domains)
        if let message, !result.pairs.contains(where: { ReplayRendering.matches($0, message) }) {
            throw CLIError("no message \(message.debugDescription) in the recording or the replay of \(folder); the recorded ones are in \(folder)/messages.json")
        }
        if json {
            print(try JSONOutput.render(ReplayRendering.json(replay, result)))
        } else {
            print(ReplayRendering.text(replay, result, message: message), terminator: "")
        }
        return result.pairs.allSatisfy(\.samePath) && result.routeDifferences.isEmpty
    }

    /// Runs the simulation and renders the chosen output; `converged` decides the exit status.
    func render() throws -> (text: String, converged: Bool) {
        let topology = try loadTopology()
        var options = SimulationOptions(seed: seed)
        if events { options.trace = { printError($0) } }
        for text in failLinks {
            let parts = text.split(separator: ",").map(String.init)
            guard parts.count == 2, parts.allSatisfy({ topology.node(named: $0) != nil }) else {
                throw CLIError("--fail-link \(text.debugDescription): expected two node names of \(topology.name), like up1,t1a")
            }
            guard topology.links.contains(where: { SimLink($0.a, $0.b) == SimLink(parts[0], parts[1]) }) else {
                throw CLIError("--fail-link \(text.debugDescription): \(topology.name) has no link between \(parts[0]) and \(parts[1])")
            }
            options.failedLinks.insert(SimLink(parts[0], parts[1]))
        }
        for name in failNodes {
            guard topology.node(named: name) != nil else { throw CLIError("--fail-node \(name.debugDescription): no such node in \(topology.name)") }
            options.failedNodes.insert(name)
        }
        let watched = try trace.map { text in
            guard let domain = DomainName(text) else { throw CLIError("--trace \(text.debugDescription) is not a domain name") }
            return domain
        }
        if let explain { return try self.explain(explain, topology: topology, options: options) }
        let clock = ContinuousClock()
        var result: SimulationResult!
        var changes = ""
        let elapsed = clock.measure {
            let simulation = Simulation(topology: topology, options: options)
            simulation.watchedDomains = Set(watched)
            result = simulation.run()
            for domain in watched {
                changes += "route changes of \(domain):\n"
                for change in simulation.routeLog where change.domain == domain {
                    changes += "  \(RouteClock.format(change.time)) \(change.node): "
                        + (change.route.map { ($0.nextHop ?? "local") + ($0.path.isEmpty ? "" : " [" + $0.path.map(String.init).joined(separator: " ") + "]") } ?? "no route") + "\n"
                }
            }
            // The process exits right after printing: skip tearing down millions of routes.
            _ = Unmanaged.passRetained(simulation)
        }
        if json { return (try JSONOutput.render(SimulationJSON(result)) + "\n", result.converged) }
        if !watched.isEmpty && !summary { return (RouteRendering.simulation(result, topology: topology.name) + changes, result.converged) }
        if summary {
            let line = "\(topology.name): \(topology.nodes.count) nodes, \(topology.links.count) links; "
                + "\(result.converged ? "converged" : "NOT converged") in \(RouteRendering.format(elapsed)) wall, "
                + "\(RouteRendering.format(result.virtualTime)) virtual; \(result.totalMessages) messages "
                + "(\(result.messages["UPDATE", default: 0]) UPDATE), \(result.routeChanges) route changes\n"
            return (line, result.converged)
        }
        if !options.failedLinks.isEmpty || !options.failedNodes.isEmpty {
            var without = options
            without.failedLinks = []
            without.failedNodes = []
            without.trace = nil
            let baseline = Simulation(topology: topology, options: without).run()
            return (RouteRendering.simulation(result, topology: topology.name, baseline: baseline, cuts: cuts), result.converged)
        }
        return (RouteRendering.simulation(result, topology: topology.name), result.converged)
    }

    /// What --fail-link and --fail-node take down, for people: `colo1–up1`, `node up2`.
    var cuts: [String] {
        failLinks.map { $0.split(separator: ",").joined(separator: "–") } + failNodes.map { "node \($0)" }
    }

    func loadTopology() throws -> Topology {
        if let importCAIDA { return try importedTopology(importCAIDA) }
        if let generate, let shape = TopologyGenerator.Shape(rawValue: generate) {
            return TopologyGenerator.generate(shape, nodes: nodes, seed: seed)
        }
        do {
            let parsed = try TopologyParser.load(path: topology!)
            for warning in parsed.warnings { printError("warning: \(warning)") }
            return parsed.topology
        } catch {
            throw CLIError(error.description)
        }
    }
}
