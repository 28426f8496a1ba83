import MXGPCore
import MXGPTopology

/// Pictures of a topology: Graphviz DOT and Mermaid. Nodes are coloured by role, links
/// drawn by relationship (an arrow from customer to provider, a dashed line between peers),
/// and the lab's faults are drawn on the links and nodes they break.
public enum LabGraph {
    /// Fill colours by role.
    static func colour(_ role: NodeRole) -> String {
        switch role {
        case .tier1: return "#f4a261"
        case .upstream: return "#8ecae6"
        case .colo: return "#b7e4c7"
        }
    }

    /// The link from customer to provider (peers in file order) and whether it is a peering.
    static func oriented(_ link: TopologyLink) -> (from: String, to: String, peer: Bool) {
        switch link.aRole {
        case .customer: return (link.a, link.b, false)
        case .provider: return (link.b, link.a, false)
        case .peer: return (link.a, link.b, true)
        }
    }

    /// What the faults do to each link (by sorted name pair) and node, as short labels.
    static func faultLabels(_ faults: [LabFault], _ topology: Topology) -> (links: [[String]: [String]], nodes: [String: [String]]) {
        var links: [[String]: [String]] = [:]
        var nodes: [String: [String]] = [:]
        for fault in faults {
            switch fault {
            case .cut(let a, let b, let from): links[[a, b].sorted(), default: []].append(from.map { "cut from \($0)" } ?? "cut")
            case .down(let a, let b): links[[a, b].sorted(), default: []].append("down")
            case .loss(let a, let b, _), .rate(let a, let b, _), .delay(let a, let b, _, _):
                // "loss colo1 up1 30%" → "loss 30%"
                let words = fault.description.split(separator: " ")
                links[[a, b].sorted(), default: []].append(([words[0]] + words.dropFirst(3)).joined(separator: " "))
            case .partition(let members):
                let inside = Set(members)
                for link in topology.links where inside.contains(link.a) != inside.contains(link.b) {
                    links[[link.a, link.b].sorted(), default: []].append("partition")
                }
            case .kill(let node): nodes[node, default: []].append("killed")
            case .pause(let node): nodes[node, default: []].append("paused")
            case .smtpTempfail(let node, let percent): nodes[node, default: []].append("421 \(percent)%")
            case .restart, .sessionReset: break
            }
        }
        return (links, nodes)
    }

    /// Graphviz DOT text.
    public static func dot(_ topology: Topology, faults: [LabFault] = []) -> String {
        let (brokenLinks, brokenNodes) = faultLabels(faults, topology)
        var lines = ["digraph \"\(topology.name)\" {", "  rankdir=BT;", "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\"];",
                     "  edge [fontname=\"Helvetica\", fontsize=10];"]
        for node in topology.nodes {
            var label = "\(node.name)\\n\(node.role.rawValue) \(node.operatorNumber)"
            if !node.domains.isEmpty { label += "\\n" + node.domains.map(\.text).joined(separator: "\\n") }
            var attributes = "label=\"\(label)\", fillcolor=\"\(colour(node.role))\""
            if let marks = brokenNodes[node.name] {
                attributes += ", color=\"red\", penwidth=2, xlabel=\"\(marks.joined(separator: ", "))\", fontcolor=\"black\""
            }
            lines.append("  \"\(node.name)\" [\(attributes)];")
        }
        for link in topology.links {
            let (from, to, peer) = oriented(link)
            var attributes: [String] = peer ? ["dir=none", "style=dashed"] : []
            var label: [String] = (link.price > 0 ? ["price \(link.price)"] : []) + (link.impairment?.yamlFields.map { $0.replacingOccurrences(of: ": ", with: " ") } ?? [])
            if peer { lines.append("  { rank=same; \"\(from)\"; \"\(to)\"; }") }
            if let broken = brokenLinks[[link.a, link.b].sorted()] {
                attributes += ["color=\"red\"", "fontcolor=\"red\"", "penwidth=2"]
                label += broken
            }
            if !label.isEmpty { attributes.append("label=\"\(label.joined(separator: ", "))\"") }
            lines.append("  \"\(from)\" -> \"\(to)\"" + (attributes.isEmpty ? "" : " [\(attributes.joined(separator: ", "))]") + ";")
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Mermaid flowchart text (renders on GitHub and in most Markdown viewers).
    public static func mermaid(_ topology: Topology, faults: [LabFault] = []) -> String {
        let (brokenLinks, brokenNodes) = faultLabels(faults, topology)
        var lines = ["flowchart BT"]
        for node in topology.nodes {
            var label = "\(node.name)<br/>\(node.role.rawValue) \(node.operatorNumber)"
            if !node.domains.isEmpty { label += "<br/>" + node.domains.map(\.text).joined(separator: "<br/>") }
            if let marks = brokenNodes[node.name] { label += "<br/>⚠ " + marks.joined(separator: ", ") }
            lines.append("  \(node.name)[\"\(label)\"]:::\(node.role.rawValue)\(brokenNodes[node.name] != nil ? "Broken" : "")")
        }
        var brokenIndices: [Int] = []
        for (index, link) in topology.links.enumerated() {
            let (from, to, peer) = oriented(link)
            var label: [String] = (link.price > 0 ? ["price \(link.price)"] : []) + (link.impairment?.yamlFields.map { $0.replacingOccurrences(of: ": ", with: " ") } ?? [])
            if let broken = brokenLinks[[link.a, link.b].sorted()] {
                label += broken
                brokenIndices.append(index)
            }
            let arrow = peer ? "-.-" : "-->"
            lines.append("  \(from) \(arrow)" + (label.isEmpty ? " " : "|\(label.joined(separator: ", "))| ") + to)
        }
        for role in NodeRole.allCases {
            lines.append("  classDef \(role.rawValue) fill:\(colour(role)),stroke:#333")
            lines.append("  classDef \(role.rawValue)Broken fill:\(colour(role)),stroke:#d00,stroke-width:3px")
        }
        if !brokenIndices.isEmpty {
            lines.append("  linkStyle \(brokenIndices.map(String.init).joined(separator: ",")) stroke:#d00,stroke-width:3px")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
