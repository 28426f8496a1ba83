import MXGPCore
import MXGPTopology

/// One change of `mxgp sim --what-if`, applied to a topology before solving again.
///
/// Grammar (changes separated by `;`, nodes by name or operator number):
///
///     depeer A B        remove the link between A and B (any relationship)
///     price A B N       set the contract price of the link A–B to N (the customer pays it)
///     avoid A B         A's import policy rejects every route whose path crosses B's operator
///     fail-node A       take node A down
public enum WhatIfChange: Hashable, Sendable, CustomStringConvertible {
    case depeer(String, String)
    case price(String, String, UInt32)
    case avoid(String, String)
    case failNode(String)

    /// The grammar, for help texts and errors.
    public static let grammar = "depeer A B | price A B N | avoid A B | fail-node A (several separated by ';'; A and B node names or operator numbers)"

    /// A `--what-if` argument that does not parse.
    public struct ParseError: Error, CustomStringConvertible, Sendable {
        /// What is wrong and what to write instead.
        public var description: String
    }

    /// Parses `text` against `topology` (node names or operator numbers must exist, links
    /// named by `depeer` and `price` must be there).
    public static func parse(_ text: String, topology: Topology) throws -> [WhatIfChange] {
        var byName: [String: TopologyNode] = [:]
        var byOperator: [OperatorNumber: String] = [:]
        for node in topology.nodes {
            byName[node.name] = node
            if byOperator[node.operatorNumber] == nil { byOperator[node.operatorNumber] = node.name }
        }
        func node(_ word: Substring) throws -> String {
            if byName[String(word)] != nil { return String(word) }
            if let number = OperatorNumber(word), let name = byOperator[number] { return name }
            throw ParseError(description: "--what-if: no node \(String(word).debugDescription) in \(topology.name) (by name, like as174, or operator number)")
        }
        var linked: Set<SimLink> = []
        for link in topology.links { linked.insert(SimLink(link.a, link.b)) }
        func link(_ a: String, _ b: String) throws {
            guard linked.contains(SimLink(a, b)) else { throw ParseError(description: "--what-if: \(topology.name) has no link between \(a) and \(b)") }
        }
        var changes: [WhatIfChange] = []
        for part in text.split(separator: ";") {
            let words = part.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let verb = words.first else { continue }
            switch (verb, words.count) {
            case ("depeer", 3):
                let a = try node(words[1]), b = try node(words[2])
                try link(a, b)
                changes.append(.depeer(a, b))
            case ("price", 4):
                let a = try node(words[1]), b = try node(words[2])
                try link(a, b)
                guard let price = UInt32(words[3]) else { throw ParseError(description: "--what-if: price \(String(words[3]).debugDescription) is not a number 0–4294967295") }
                changes.append(.price(a, b, price))
            case ("avoid", 3): changes.append(.avoid(try node(words[1]), try node(words[2])))
            case ("fail-node", 2): changes.append(.failNode(try node(words[1])))
            default:
                throw ParseError(description: "--what-if: cannot read \(part.trimmingCharacters(in: " ").debugDescription); write \(grammar)")
            }
        }
        guard !changes.isEmpty else { throw ParseError(description: "--what-if: no change given; write \(grammar)") }
        return changes
    }

    /// `depeer as1 as2`, as written.
    public var description: String {
        switch self {
        case .depeer(let a, let b): return "depeer \(a) \(b)"
        case .price(let a, let b, let n): return "price \(a) \(b) \(n)"
        case .avoid(let a, let b): return "avoid \(a) \(b)"
        case .failNode(let a): return "fail-node \(a)"
        }
    }

    /// Applies the change: links to take down and nodes to fail are added to the sets, prices
    /// and policies are changed in `topology`.
    public func apply(to topology: inout Topology, failedLinks: inout Set<SimLink>, failedNodes: inout Set<String>) {
        switch self {
        case .depeer(let a, let b): failedLinks.insert(SimLink(a, b))
        case .failNode(let a): failedNodes.insert(a)
        case .price(let a, let b, let price):
            for i in topology.links.indices where SimLink(topology.links[i].a, topology.links[i].b) == SimLink(a, b) {
                topology.links[i].price = price
            }
        case .avoid(let a, let b):
            guard let avoided = topology.nodes.first(where: { $0.name == b })?.operatorNumber,
                let i = topology.nodes.firstIndex(where: { $0.name == a })
            else { return }
            topology.nodes[i].policy.importPolicy.rules.insert(PolicyRule(match: PolicyMatch(pathContains: avoided), verdict: .reject), at: 0)
        }
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in character: Character) -> String {
        String(drop { $0 == character }.reversed().drop { $0 == character }.reversed())
    }
}
