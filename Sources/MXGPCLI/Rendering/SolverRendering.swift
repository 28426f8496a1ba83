import MXGPCore
import MXGPSim
import MXGPTopology

/// What `mxgp sim --destinations K` prints: the graph, the timings and peak memory, route
/// statistics, and with `--what-if` the pairs the change affects.
struct SolverReport {
    var topology: Topology
    var graph: RouteSolverGraph
    var solution: RouteSolution
    var seed: UInt64
    var sampledFrom: Int
    var loading: Duration
    var indexing: Duration
    var solving: Duration
    var wall: Duration = .zero
    var peakResidentBytes = 0
    var whatIf: (changes: [WhatIfChange], comparison: WhatIfComparison, solving: Duration)?

    var customerLinks: Int { topology.links.filter { $0.aRole != .peer }.count }

    static func seconds(_ d: Duration) -> String {
        let ms = d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
        return "\(ms / 1000).\(String(repeating: "0", count: 3 - String(ms % 1000).count))\(ms % 1000) s"
    }

    static func percent(_ part: Int, _ whole: Int) -> String {
        guard whole > 0 else { return "0 %" }
        let tenths = (part * 1000 + whole / 2) / whole
        return "\(tenths / 10).\(tenths % 10) %"
    }

    /// The text report.
    var text: String {
        let stats = RouteStatistics(solution)
        let k = solution.destinations.count
        var out = "\(topology.name): \(topology.nodes.count) nodes, \(topology.links.count) links (\(customerLinks) customer–provider, \(topology.links.count - customerLinks) peer); "
        out += k == sampledFrom ? "all \(k) destinations\n" : "\(k) of \(sampledFrom) destinations, sampled with seed \(seed)\n"
        out += "solved by propagation in \(Self.seconds(wall)) wall (topology \(Self.seconds(loading)), index \(Self.seconds(indexing)), solve \(Self.seconds(solving))"
        if let whatIf { out += ", solve after the change \(Self.seconds(whatIf.solving))" }
        out += "); peak memory \(peakResidentBytes / 1_048_576) MB (VmHWM)\n"
        out += "routes: \(stats.reachable) of \(stats.pairs) (source, destination) pairs reachable (\(Self.percent(stats.reachable, stats.pairs))); "
        out += "learned from customers \(Self.percent(stats.fromCustomers, stats.reachable)), peers \(Self.percent(stats.fromPeers, stats.reachable)), providers \(Self.percent(stats.fromProviders, stats.reachable))\n"
        let lengths = stats.lengths.enumerated().filter { $0.element > 0 }.map { "\($0.offset): \(Self.percent($0.element, stats.reachable))" }
        out += "path length: " + lengths.joined(separator: ", ") + "; mean \(String(format2: stats.meanLength))\n"
        out += "work: \(solution.work.visits) node visits, \(solution.work.exports) exports, \(solution.work.imports) imports\n"
        if let whatIf { out += Self.whatIfText(whatIf.changes, whatIf.comparison) }
        return out
    }

    static func whatIfText(_ changes: [WhatIfChange], _ comparison: WhatIfComparison) -> String {
        var out = "what if \(changes.map(\.description).joined(separator: "; ")): of \(comparison.pairs) (source, destination) pairs, "
        out += WhatIfComparison.Effect.allCases.map { "\(comparison.counts[$0, default: 0]) \($0.rawValue)" }.joined(separator: ", ") + "\n"
        for effect in WhatIfComparison.Effect.allCases {
            guard let examples = comparison.examples[effect], !examples.isEmpty else { continue }
            out += "  \(effect.rawValue), e.g.:\n"
            for example in examples {
                out += "    \(example.source) → \(example.destination): \(route(example.before)) → \(route(example.after))\n"
            }
        }
        return out
    }

    static func route(_ route: RouteSolution.Route?) -> String {
        guard let route else { return "no route" }
        guard let nextHop = route.nextHop else { return "own" }
        return "\(nextHop) [\(route.path.map(String.init).joined(separator: " "))] price \(route.price)"
    }

    /// The JSON report.
    var json: SolverJSON {
        let stats = RouteStatistics(solution)
        var lengths: [String: Int] = [:]
        for (length, count) in stats.lengths.enumerated() where count > 0 { lengths[String(length)] = count }
        var result = SolverJSON(
            topology: topology.name, nodes: topology.nodes.count, customerProviderLinks: customerLinks,
            peerLinks: topology.links.count - customerLinks, destinations: solution.destinations.map(\.text), seed: seed,
            wallSeconds: Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18,
            solveSeconds: Double(solving.components.seconds) + Double(solving.components.attoseconds) / 1e18,
            peakResidentBytes: peakResidentBytes, pairs: stats.pairs, reachablePairs: stats.reachable, pathLengths: lengths,
            meanPathLength: stats.meanLength, nodeVisits: solution.work.visits, exports: solution.work.exports)
        if let whatIf {
            result.whatIf = SolverJSON.WhatIf(
                changes: whatIf.changes.map(\.description), pairs: whatIf.comparison.pairs,
                counts: Dictionary(uniqueKeysWithValues: WhatIfComparison.Effect.allCases.map { ($0.rawValue, whatIf.comparison.counts[$0, default: 0]) }),
                examples: Dictionary(uniqueKeysWithValues: whatIf.comparison.examples.map { effect, list in
                    (effect.rawValue, list.map { "\($0.source) → \($0.destination): \(Self.route($0.before)) → \(Self.route($0.after))" })
                }))
        }
        return result
    }
}

/// `mxgp sim --destinations K --json`.
struct SolverJSON: Encodable {
    var topology: String
    var nodes: Int
    var customerProviderLinks: Int
    var peerLinks: Int
    var destinations: [String]
    var seed: UInt64
    var wallSeconds: Double
    var solveSeconds: Double
    var peakResidentBytes: Int
    var pairs: Int
    var reachablePairs: Int
    var pathLengths: [String: Int]
    var meanPathLength: Double
    var nodeVisits: Int
    var exports: Int
    var whatIf: WhatIf?

    struct WhatIf: Encodable {
        var changes: [String]
        var pairs: Int
        var counts: [String: Int]
        var examples: [String: [String]]
    }
}

extension String {
    /// Two decimals.
    init(format2 value: Double) {
        let hundredths = Int((value * 100).rounded())
        self = "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
    }
}
