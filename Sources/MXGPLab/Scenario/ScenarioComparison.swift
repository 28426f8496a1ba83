import Foundation
import MXGPTopology

/// Delivery delays: ISO 8601 times and their statistics.
public enum MessageDelay {
    /// An ISO 8601 time with or without fractional seconds.
    public static func date(_ text: String) -> Date? {
        var fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        fractional.timeZone = TimeZone(identifier: "UTC")!
        if let date = try? fractional.parse(text) { return date }
        return try? Date.ISO8601FormatStyle().parse(text)
    }

    /// The `p`-th percentile (0…100, nearest rank) of `values`; nil when empty.
    public static func percentile(_ values: [Double], _ p: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}

/// One side of `mxgp lab run --compare`: what became of the scenario's mail on one lab.
public struct ComparisonSide: Sendable, Codable, Hashable {
    /// The topology file.
    public var topology: String
    /// The lab's name and its MTA (`mxgp` or `postfix`).
    public var lab: String
    public var mta: String
    public var accepted: Int
    /// Accepted messages delivered exactly once.
    public var delivered: Int
    public var lost: Int
    public var duplicated: Int
    /// Messages still in some relay's queue when the run ended (part of `lost`, or other mail).
    public var queuedAtEnd: Int?
    /// Delivery delay of the delivered messages, seconds (nil when none was delivered).
    public var delayMedian: Double?
    public var delayP99: Double?
    public var delayMax: Double?
    /// Median number of relays the delivered messages crossed (the receiving node included).
    public var hopsMedian: Double?
    /// Delivered messages with a hop that no static table (the Postfix tables of the reference
    /// topology) lists, not even as a fallback: a path that exists, but only a routing protocol finds.
    public var offStaticPaths: Int
    /// Delivered messages that left the static primary path (the relayhost or first transport
    /// entry at every hop), e.g. through a fallback relay or a route a protocol found.
    public var offPrimaryPaths: Int
    /// Whether every step of the scenario passed on this side.
    public var passed: Bool
    /// The side's run folder.
    public var runFolder: String

    /// Sums up a report; `reference` is the topology whose Postfix tables judge the paths.
    public static func summarise(_ report: ScenarioReport, topology: Topology, topologyPath: String, reference: Topology, runFolder: String) -> ComparisonSide {
        let accepted = report.messages.filter { $0.submitted == "accepted" }
        let once = accepted.filter { $0.copies == 1 }
        let delays = accepted.filter { $0.copies >= 1 }.compactMap(\.delaySeconds)
        let owners = Dictionary(reference.nodes.flatMap { node in node.domains.map { ($0.text, node.name) } }, uniquingKeysWith: { a, _ in a })
        func off(primaryOnly: Bool) -> Int {
            accepted.filter { $0.copies >= 1 }.filter { record in
                guard let at = record.to.lastIndex(of: "@") else { return false }
                let domain = String(record.to[record.to.index(after: at)...]).lowercased()
                return owners[domain] != nil && !StaticForwarding.allows(record.hops, domain: domain, in: reference, primaryOnly: primaryOnly)
            }.count
        }
        return ComparisonSide(
            topology: topologyPath, lab: report.lab, mta: topology.nodes.contains { $0.mta == .postfix } ? "postfix" : "mxgp",
            accepted: accepted.count, delivered: once.count, lost: report.lost.count, duplicated: report.duplicated.count, queuedAtEnd: report.queuedAtEnd,
            delayMedian: MessageDelay.percentile(delays, 50), delayP99: MessageDelay.percentile(delays, 99), delayMax: delays.max(),
            hopsMedian: MessageDelay.percentile(accepted.filter { $0.copies >= 1 }.map { Double($0.hops.count) }, 50),
            offStaticPaths: off(primaryOnly: false), offPrimaryPaths: off(primaryOnly: true), passed: report.passed, runFolder: runFolder)
    }
}

/// Which hop-by-hop paths static forwarding can take: each hop must be one the sender's Postfix
/// table names for the domain (an entry's next hops, or a provider when there is no entry).
public enum StaticForwarding {
    /// The path mail from `source` to `domain` takes when every preferred next hop answers:
    /// the relayhost or first transport entry at each hop, source first, the domain's owner
    /// last; nil when the tables lead nowhere (a loop or a node without a route).
    public static func primaryPath(from source: String, domain: String, in topology: Topology) -> [String]? {
        var path = [source]
        while path.count <= topology.nodes.count {
            let routes = PostfixRoutes.compute(path[path.count - 1], in: topology)
            if routes.localDomains.contains(domain) { return path }
            guard let next = (routes.table.first(where: { $0.domain == domain })?.hops ?? routes.providers).first, !path.contains(next) else { return nil }
            path.append(next)
        }
        return nil
    }

    /// With `primaryOnly`, only the preferred next hop of each table counts.
    public static func allows(_ hops: [String], domain: String, in topology: Topology, primaryOnly: Bool = false) -> Bool {
        guard hops.count >= 2 else { return true }
        for index in 0..<(hops.count - 1) {
            let routes = PostfixRoutes.compute(hops[index], in: topology)
            let next = hops[index + 1]
            let candidates = routes.table.first(where: { $0.domain == domain })?.hops ?? routes.providers
            if !(primaryOnly ? Array(candidates.prefix(1)) : candidates).contains(next) { return false }
        }
        return true
    }
}

/// `mxgp lab run SCENARIO --compare A.yaml B.yaml`: the scenario on two topologies, one after
/// the other, with one report and one run folder.
public struct ScenarioComparison: Sendable, Codable {
    public var scenario: String
    public var description: String
    public var sides: [ComparisonSide]
    /// The comparison's folder (`runs/<scenario>/<timestamp>-compare/`).
    public var folder: String

    /// The side-by-side table.
    public var text: String {
        func seconds(_ value: Double?) -> String { value.map { String(format: "%.1f s", $0) } ?? "–" }
        let rows: [(String, (ComparisonSide) -> String)] = [
            ("topology", { $0.topology.split(separator: "/").last.map(String.init) ?? $0.topology }),
            ("mta", { $0.mta }),
            ("accepted", { "\($0.accepted)" }),
            ("delivered once", { "\($0.delivered)" }),
            ("lost", { "\($0.lost)" }),
            ("duplicated", { "\($0.duplicated)" }),
            ("still queued at the end", { $0.queuedAtEnd.map(String.init) ?? "–" }),
            ("delay median", { seconds($0.delayMedian) }),
            ("delay p99", { seconds($0.delayP99) }),
            ("delay max", { seconds($0.delayMax) }),
            ("hops (median)", { $0.hopsMedian.map { String(Int($0)) } ?? "–" }),
            ("paths off the static primary", { "\($0.offPrimaryPaths)" }),
            ("paths outside static tables", { "\($0.offStaticPaths)" }),
            ("steps", { $0.passed ? "all passed" : "some failed" }),
        ]
        let width = rows.map(\.0.count).max() ?? 0
        let columns = sides.map { side in rows.map { $0.1(side) } }
        let columnWidth = max(12, columns.flatMap { $0 }.map(\.count).max() ?? 0)
        var lines = ["\(scenario): \(description)", ""]
        for (index, row) in rows.enumerated() {
            let cells = columns.map { $0[index].padding(toLength: columnWidth, withPad: " ", startingAt: 0) }
            var line = row.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + cells.joined(separator: "  ")
            while line.hasSuffix(" ") { line.removeLast() }
            lines.append(line)
        }
        lines.append("")
        lines.append("run folder: \(folder)")
        return lines.joined(separator: "\n")
    }

    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }
}
