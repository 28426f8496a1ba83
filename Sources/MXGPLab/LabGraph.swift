import MXGPCore
import MXGPTopology

/// Pictures of a topology: Graphviz DOT and Mermaid. Nodes are coloured by role, links
/// drawn by relationship (an arrow from customer to provider, a dashed line without arrow
/// between peers), the lab's faults are drawn on the links and nodes they break (a cut or
/// downed link as a red broken line), a legend says what everything means, and with
/// ``Paths`` each colo's current path toward one domain is drawn over the links.
public enum LabGraph {
    /// Each colo's current path toward a domain (`lab graph --domain D`), source first.
    public struct Paths: Sendable, Hashable {
        public var domain: String
        /// Colo (or, for a run's outcome, send) → the nodes its mail crosses (source first,
        /// the receiving node last); nil: no route.
        public var paths: [String: [String]?]
        /// The legend's line for the drawn paths.
        public var legend: String

        public init(domain: String, paths: [String: [String]?], legend: String? = nil) {
            self.domain = domain
            self.paths = paths
            self.legend = legend ?? "bold coloured arrows: each colo's current path to \(domain), labelled with the colo"
        }

        /// Where a scenario run's mail went: for each send, the hops of its delivered messages
        /// (labelled `send → address`, with how many took that way).
        public init(outcomeOf report: ScenarioReport) {
            var paths: [String: [String]?] = [:]
            var order: [String] = []
            for record in report.messages where !record.hops.isEmpty {
                let key = "\(record.send) → \(record.to)"
                if paths[key] == nil { order.append(key) }
                paths[key] = .some(record.hops)
            }
            var labelled: [String: [String]?] = [:]
            for key in order {
                let hops = paths[key] ?? nil
                let count = report.messages.filter { "\($0.send) → \($0.to)" == key && $0.hops == hops }.count
                labelled["\(key) (\(count))"] = .some(hops)
            }
            self.init(domain: "", paths: labelled, legend: "bold coloured arrows: where each send's mail went (send → address, messages that took that way)")
        }

        /// Follows next hops in `routes` (node → domain → route) from every colo of `topology`.
        public init(domain: String, topology: Topology, routes: [String: [String: RouteKey]]) {
            var paths: [String: [String]?] = [:]
            for colo in topology.nodes where colo.role == .colo && !colo.domains.map(\.text).contains(domain) {
                var hops = [colo.name]
                var current = colo.name
                var found: [String]?
                while let route = routes[current]?[domain] {
                    guard let next = route.nextHop else { found = hops; break }
                    guard !hops.contains(next) else { break }
                    hops.append(next)
                    current = next
                }
                paths[colo.name] = .some(found)
            }
            self.init(domain: domain, paths: paths)
        }
    }

    /// Fill colours by role.
    static func colour(_ role: NodeRole) -> String {
        switch role {
        case .tier1: return "#f4a261"
        case .upstream: return "#8ecae6"
        case .colo: return "#b7e4c7"
        }
    }

    /// Colours of the drawn paths, one per colo in name order.
    static let pathColours = ["#1d4ed8", "#9333ea", "#c2410c", "#047857", "#be185d", "#4d7c0f"]

    /// The link from customer to provider (peers in file order) and whether it is a peering.
    static func oriented(_ link: TopologyLink) -> (from: String, to: String, peer: Bool) {
        switch link.aRole {
        case .customer: return (link.a, link.b, false)
        case .provider: return (link.b, link.a, false)
        case .peer: return (link.a, link.b, true)
        }
    }

    /// What the faults do to each link (by sorted name pair) and node, as short labels, and
    /// which links carry nothing (cut, down, partitioned).
    static func faultLabels(_ faults: [LabFault], _ topology: Topology) -> (links: [[String]: [String]], nodes: [String: [String]], dead: Set<[String]>) {
        var links: [[String]: [String]] = [:]
        var nodes: [String: [String]] = [:]
        var dead: Set<[String]> = []
        for fault in faults {
            switch fault {
            case .cut(let a, let b, let from):
                links[[a, b].sorted(), default: []].append(from.map { "cut from \($0)" } ?? "cut")
                dead.insert([a, b].sorted())
            case .down(let a, let b):
                links[[a, b].sorted(), default: []].append("down")
                dead.insert([a, b].sorted())
            case .loss(let a, let b, _), .rate(let a, let b, _), .delay(let a, let b, _, _):
                // "loss colo1 up1 30%" → "loss 30%"
                let words = fault.description.split(separator: " ")
                links[[a, b].sorted(), default: []].append(([words[0]] + words.dropFirst(3)).joined(separator: " "))
            case .partition(let members):
                let inside = Set(members)
                for link in topology.links where inside.contains(link.a) != inside.contains(link.b) {
                    links[[link.a, link.b].sorted(), default: []].append("partition")
                    dead.insert([link.a, link.b].sorted())
                }
            case .kill(let node): nodes[node, default: []].append("killed")
            case .pause(let node): nodes[node, default: []].append("paused")
            case .smtpTempfail(let node, let percent): nodes[node, default: []].append("421 \(percent)%")
            case .restart, .sessionReset: break
            }
        }
        return (links, nodes, dead)
    }

    /// A link's label parts: its contract and impairments, units as written.
    static func linkLabel(_ link: TopologyLink) -> [String] {
        var label: [String] = link.price > 0 ? ["price \(link.price)"] : []
        if link.chargeback > 0 { label.append("chargeback \(link.chargeback)") }
        label += link.impairment?.yamlFields.map { $0.replacingOccurrences(of: ": ", with: " ") } ?? []
        return label
    }

    /// The legend's lines.
    static func legend(paths: Paths?) -> [String] {
        var lines = [
            "Legend",
            "box: node name; role and operator number (an AS-like identifier, not a count); its domains",
            "fill: orange tier1, blue upstream, green colo",
            "solid arrow: customer -> provider (the customer buys transit); price = what the provider charges per message",
            "dashed line, no arrow: peers (settlement-free, price 0)",
            "red: a fault; red broken arrow: a cut, downed or partitioned link that carries nothing",
        ]
        if let paths { lines.append(paths.legend) }
        return lines
    }

    /// Graphviz DOT text.
    public static func dot(_ topology: Topology, faults: [LabFault] = [], paths: Paths? = nil) -> String {
        let (brokenLinks, brokenNodes, dead) = faultLabels(faults, topology)
        var lines = ["digraph \"\(topology.name)\" {", "  rankdir=BT;", "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\"];",
                     "  edge [fontname=\"Helvetica\", fontsize=10];"]
        lines.append("  labelloc=b; labeljust=l; fontname=\"Helvetica\"; fontsize=10;")
        lines.append("  label=\"" + legend(paths: paths).map { $0 + "\\l" }.joined() + "\";")
        for node in topology.nodes {
            var label = "\(node.name)\\n\(node.role.rawValue), operator \(node.operatorNumber)"
            if !node.domains.isEmpty { label += "\\n" + node.domains.map(\.text).joined(separator: "\\n") }
            var attributes = "label=\"\(label)\", fillcolor=\"\(colour(node.role))\""
            if let marks = brokenNodes[node.name] {
                // The fault goes inside the box, so it cannot float away from its node.
                attributes = "label=\"\(label)\\n[\(marks.joined(separator: ", "))]\", fillcolor=\"\(colour(node.role))\", color=\"red\", penwidth=2, fontcolor=\"#b00000\""
            }
            lines.append("  \"\(node.name)\" [\(attributes)];")
        }
        for link in topology.links {
            let (from, to, peer) = oriented(link)
            var attributes: [String] = peer ? ["dir=none", "style=dashed"] : []
            var label = linkLabel(link)
            if peer { lines.append("  { rank=same; \"\(from)\"; \"\(to)\"; }") }
            let key = [link.a, link.b].sorted()
            if let broken = brokenLinks[key] {
                attributes += ["color=\"red\"", "fontcolor=\"red\"", "penwidth=2"]
                if dead.contains(key) { attributes = attributes.filter { $0 != "style=dashed" } + ["style=dashed"] }
                label += broken
            }
            if !label.isEmpty { attributes.append("label=\"\(label.joined(separator: ", "))\"") }
            lines.append("  \"\(from)\" -> \"\(to)\"" + (attributes.isEmpty ? "" : " [\(attributes.joined(separator: ", "))]") + ";")
        }
        if let paths {
            for (index, colo) in paths.paths.keys.sorted().enumerated() {
                let colour = pathColours[index % pathColours.count]
                guard let hops = paths.paths[colo] ?? nil else {
                    lines.append("  \"\(colo)\" -> \"\(colo)\" [color=\"\(colour)\", fontcolor=\"\(colour)\", style=dotted, label=\"\(colo): no route to \(paths.domain)\"];")
                    continue
                }
                for (a, b) in zip(hops, hops.dropFirst()) {
                    lines.append("  \"\(a)\" -> \"\(b)\" [color=\"\(colour)\", fontcolor=\"\(colour)\", penwidth=3, constraint=false, label=\"\(colo)\"];")
                }
            }
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Mermaid flowchart text (renders on GitHub and in most Markdown viewers).
    public static func mermaid(_ topology: Topology, faults: [LabFault] = [], paths: Paths? = nil) -> String {
        let (brokenLinks, brokenNodes, dead) = faultLabels(faults, topology)
        var lines = ["flowchart BT"]
        for node in topology.nodes {
            var label = "\(node.name)<br/>\(node.role.rawValue), operator \(node.operatorNumber)"
            if !node.domains.isEmpty { label += "<br/>" + node.domains.map(\.text).joined(separator: "<br/>") }
            if let marks = brokenNodes[node.name] { label += "<br/>⚠ " + marks.joined(separator: ", ") }
            lines.append("  \(node.name)[\"\(label)\"]:::\(node.role.rawValue)\(brokenNodes[node.name] != nil ? "Broken" : "")")
        }
        var brokenIndices: [Int] = []
        var index = 0
        for link in topology.links {
            let (from, to, peer) = oriented(link)
            var label = linkLabel(link)
            let key = [link.a, link.b].sorted()
            if let broken = brokenLinks[key] {
                label += broken
                brokenIndices.append(index)
            }
            let arrow = peer ? "-.-" : dead.contains(key) ? "-.->" : "-->"
            lines.append("  \(from) \(arrow)" + (label.isEmpty ? " " : "|\(label.joined(separator: ", "))| ") + to)
            index += 1
        }
        var pathIndices: [(Int, String)] = []
        if let paths {
            for (number, colo) in paths.paths.keys.sorted().enumerated() {
                guard let hops = paths.paths[colo] ?? nil else { continue }
                for (a, b) in zip(hops, hops.dropFirst()) {
                    lines.append("  \(a) ==>|\(colo)| \(b)")
                    pathIndices.append((index, pathColours[number % pathColours.count]))
                    index += 1
                }
            }
        }
        lines.append("  legend[\"" + legend(paths: paths).joined(separator: "<br/>").replacingOccurrences(of: "->", with: "→") + "\"]:::legend")
        for role in NodeRole.allCases {
            lines.append("  classDef \(role.rawValue) fill:\(colour(role)),stroke:#333")
            lines.append("  classDef \(role.rawValue)Broken fill:\(colour(role)),stroke:#d00,stroke-width:3px")
        }
        lines.append("  classDef legend fill:#fff,stroke:#999,text-align:left")
        if !brokenIndices.isEmpty {
            lines.append("  linkStyle \(brokenIndices.map(String.init).joined(separator: ",")) stroke:#d00,stroke-width:3px")
        }
        for (index, colour) in pathIndices { lines.append("  linkStyle \(index) stroke:\(colour),stroke-width:3px") }
        return lines.joined(separator: "\n") + "\n"
    }
}
