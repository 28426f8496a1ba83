import MXGPCore

/// CAIDA's AS-relationship files (https://www.caida.org/catalog/datasets/as-relationships/):
/// `#` comment lines, then one link a line, `<provider-as>|<customer-as>|-1` or
/// `<peer-as>|<peer-as>|0`, with a fourth field `|<source>` in the serial-2 format.
///
/// ``topology(parsing:name:)`` makes every AS an operator with one node (`as<N>`) and one
/// domain (`as<N>.example`); ``render(_:)`` writes a topology back in serial-2 form.
public enum CAIDARelationships {
    /// The region given to imported nodes: CAIDA's files carry none (`ZZ`, unknown).
    public static let unknownRegion = Region("ZZ")!

    /// A line the parser cannot use: its number, what is wrong and how to fix it.
    public struct FormatError: Error, CustomStringConvertible, Hashable, Sendable {
        /// Line number, from 1.
        public var line: Int
        /// What is wrong and what to do.
        public var message: String
        /// Creates an error.
        public init(line: Int, _ message: String) {
            self.line = line
            self.message = message
        }
        /// `line N: message`.
        public var description: String { "line \(line): \(message)" }
    }

    /// One link of the file: `provider` sells transit to `customer`, or two peers.
    public struct Link: Hashable, Sendable {
        /// The first AS (the provider of a customer–provider link).
        public var first: OperatorNumber
        /// The second AS (the customer of a customer–provider link).
        public var second: OperatorNumber
        /// True for a peer link (`0`), false for provider–customer (`-1`).
        public var isPeer: Bool
        /// The line it came from.
        public var line: Int
    }

    /// Parses the links of a file, in file order. Throws the first bad line.
    public static func links(parsing text: String) throws -> [Link] {
        var links: [Link] = []
        var seen: [UInt64: Int] = [:]
        var number = 0
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            number += 1
            let line = raw.trimmingASCIIWhitespace
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: "|", omittingEmptySubsequences: false)
            guard fields.count == 3 || fields.count == 4 else {
                throw FormatError(line: number, "expected <provider-as>|<customer-as>|-1 or <peer-as>|<peer-as>|0 (serial-1), with |<source> after it in serial-2; got \(fields.count) field\(fields.count == 1 ? "" : "s") in \(String(line).debugDescription)")
            }
            let numbers = try fields[0...1].map { field -> OperatorNumber in
                guard let value = OperatorNumber(field.trimmingASCIIWhitespace), value != 0 else {
                    throw FormatError(line: number, "\(String(field).debugDescription) is not an AS number (1–4294967295); write the AS as a plain number, without \"AS\"")
                }
                return value
            }
            let isPeer: Bool
            switch fields[2].trimmingASCIIWhitespace {
            case "-1": isPeer = false
            case "0": isPeer = true
            case let other:
                throw FormatError(line: number, "relationship \(String(other).debugDescription) is neither -1 (provider|customer) nor 0 (peer); sibling links (1) are not supported: write them as 0 or drop them")
            }
            guard numbers[0] != numbers[1] else {
                throw FormatError(line: number, "a link from AS\(numbers[0]) to itself; remove the line")
            }
            let key = UInt64(min(numbers[0], numbers[1])) << 32 | UInt64(max(numbers[0], numbers[1]))
            if let earlier = seen.updateValue(number, forKey: key) {
                throw FormatError(line: number, "AS\(numbers[0]) and AS\(numbers[1]) are already linked on line \(earlier); keep one of the two lines")
            }
            links.append(Link(first: numbers[0], second: numbers[1], isPeer: isPeer, line: number))
        }
        return links
    }

    /// Reads a file into a topology: nodes sorted by AS number, links in file order, a
    /// customer–provider link as `a: customer`, `b: provider` with `price`. An AS with
    /// customers and no provider is a `tier1`, one with customers or only peers an `upstream`,
    /// one with providers and no customers a `colo`.
    public static func topology(parsing text: String, name: String = "caida", price: UInt32 = 0) throws -> Topology {
        let links = try links(parsing: text)
        var hasCustomer: Set<OperatorNumber> = []
        var hasProvider: Set<OperatorNumber> = []
        var all: Set<OperatorNumber> = []
        for link in links {
            all.insert(link.first)
            all.insert(link.second)
            if !link.isPeer {
                hasCustomer.insert(link.first)
                hasProvider.insert(link.second)
            }
        }
        guard !all.isEmpty else { throw FormatError(line: 1, "no links in the file; give lines like 174|64500|-1|bgp") }
        let nodes = all.sorted().map { number -> TopologyNode in
            let role: NodeRole = hasCustomer.contains(number) ? (hasProvider.contains(number) ? .upstream : .tier1)
                : (hasProvider.contains(number) ? .colo : .upstream)
            return TopologyNode(
                name: "as\(number)", role: role, operatorNumber: number, region: unknownRegion,
                domains: [DomainName("as\(number).example")!], line: 0)
        }
        let topologyLinks = links.map { link in
            link.isPeer
                ? TopologyLink(a: "as\(link.first)", b: "as\(link.second)", aRole: .peer, line: link.line)
                : TopologyLink(a: "as\(link.second)", b: "as\(link.first)", aRole: .customer, price: price, line: link.line)
        }
        return Topology(name: name, nodes: nodes, links: topologyLinks)
    }

    /// Writes `topology`'s links in serial-2 form (`<provider>|<customer>|-1|bgp`,
    /// `<peer>|<peer>|0|bgp`), operators as AS numbers. Prices and policies are not kept.
    public static func render(_ topology: Topology) -> String {
        var operators: [String: OperatorNumber] = [:]
        for node in topology.nodes { operators[node.name] = node.operatorNumber }
        var text = "# \(topology.name): \(topology.nodes.count) nodes, \(topology.links.count) links, written by mxgp sim --export-caida\n"
        text += "# format: <provider-as>|<customer-as>|-1|<source> or <peer-as>|<peer-as>|0|<source>\n"
        for link in topology.links {
            guard let a = operators[link.a], let b = operators[link.b] else { continue }
            switch link.aRole {
            case .customer: text += "\(b)|\(a)|-1|bgp\n"
            case .provider: text += "\(a)|\(b)|-1|bgp\n"
            case .peer: text += "\(a)|\(b)|0|bgp\n"
            }
        }
        return text
    }
}

extension Substring {
    /// Without leading and trailing spaces, tabs and carriage returns.
    var trimmingASCIIWhitespace: Substring {
        var s = self
        while let c = s.first, c == " " || c == "\t" || c == "\r" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" || c == "\r" { s = s.dropLast() }
        return s
    }
}
