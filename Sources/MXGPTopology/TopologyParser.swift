import Foundation
import MXGPCore
import Yams

/// Reads topology files (`Labs/*.yaml`, DESIGN §6) into a validated ``Topology``.
///
/// ```yaml
/// name: quickstart
/// nodes:
///   t1a:   { role: tier1, operator: 1, region: US }
///   colo1: { role: colo, operator: 64501, region: US, domains: [alice.example] }
/// links:
///   - { a: colo1, b: t1a, price: 3 }          # roles say: colo1 is t1a's customer
///   - { a: t1a, b: t1b, relationship: peer }  # a's role toward b: customer|provider|peer
/// ```
///
/// Every problem becomes a ``ConfigFileError`` with file, line and a fix; the parser goes on
/// after an error and reports up to ``ConfigFileErrors/reportLimit`` of them at once.
public enum TopologyParser {
    /// Keys at the top of a topology file.
    public static let topologyKeys = ["name", "nodes", "links", "origin-validation", "postfix", "timers"]
    /// Keys of a node.
    public static let nodeKeys = ["role", "operator", "region", "domains", "hijack", "policy", "refuse-regions", "overload",
                                   "countries", "refuse-destinations", "expected-complaint-rate", "complaint-rate-weight", "mta", "postfix"]
    /// Keys of a link.
    public static let linkKeys = ["a", "b", "relationship", "price", "covers", "chargeback", "rate-limit", "max-size", "impairment"]
    /// Keys of a link impairment.
    public static let impairmentKeys = ["delay", "jitter", "loss", "rate"]
    /// The node name rule in words, for messages.
    public static let nodeNameRule = "a lower-case letter, then up to 14 lower-case letters, digits or dashes"

    /// True when `name` matches `[a-z][a-z0-9-]{0,14}`.
    public static func isValidNodeName(_ name: String) -> Bool { isName(name, maxLength: 15) }

    /// True when `name` matches `[a-z][a-z0-9-]{0,31}` (topology and lab names).
    public static func isValidTopologyName(_ name: String) -> Bool { isName(name, maxLength: 32) }

    static func isName(_ name: String, maxLength: Int) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, bytes.count <= maxLength, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) else { return false }
        return bytes.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == UInt8(ascii: "-") }
    }

    /// Parses and validates topology YAML; `file` names the source in diagnostics.
    /// - Throws: ``ConfigFileErrors`` when the file has errors (warnings alone do not throw).
    public static func parse(yaml: String, file: String) throws(ConfigFileErrors) -> TopologyParseResult {
        var context = YAMLContext(file: file)
        guard let root = context.compose(yaml) else {
            if context.isClean {
                context.error(.emptyTopology, line: 0, "the topology file is empty",
                              fix: "add \"name:\", \"nodes:\" and \"links:\" (see Labs/quickstart.yaml)")
            }
            throw context.failure
        }
        var reader = Reader(context: context)
        let topology = reader.topology(from: root)
        context = reader.context
        let parsedCleanly = context.isClean
        for diagnostic in topology.diagnostics(file: file, complete: parsedCleanly) {
            if diagnostic.severity == .warning { context.warnings.append(diagnostic) } else { context.errors.append(diagnostic) }
        }
        let known = Set(topology.nodes.map(\.name))
        for reference in context.neighbourReferences where !known.contains(reference.name) && !reader.declaredNames.contains(reference.name) {
            context.error(.unknownNode, line: reference.line, "policy names neighbour \"\(reference.name)\", which is not a node of this topology",
                          fix: Reader.nodeFix(reference.name, known: reader.declaredNames))
        }
        guard context.isClean else { throw context.failure }
        return TopologyParseResult(topology: topology, warnings: context.warnings)
    }

    /// Reads and parses a topology file.
    /// - Throws: ``ConfigFileErrors`` when the file cannot be read or has errors.
    public static func load(path: String) throws(ConfigFileErrors) -> TopologyParseResult {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigFileErrors(errors: [ConfigFileError(
                .unreadableFile, file: path, line: 0, message: "cannot read the topology file (\(error.localizedDescription))",
                fix: "check the path and that the file is readable UTF-8 text")])
        }
        return try parse(yaml: text, file: path)
    }
}

extension Topology {
    /// Parses and validates topology YAML (see ``TopologyParser``).
    /// - Throws: ``ConfigFileErrors`` when the text has errors.
    public static func parse(yaml: String, file: String = "<topology>") throws(ConfigFileErrors) -> TopologyParseResult {
        try TopologyParser.parse(yaml: yaml, file: file)
    }

    /// Reads, parses and validates a topology file (see ``TopologyParser``).
    /// - Throws: ``ConfigFileErrors`` when the file cannot be read or has errors.
    public static func load(path: String) throws(ConfigFileErrors) -> TopologyParseResult {
        try TopologyParser.load(path: path)
    }
}

/// Walks the composed document; keeps the context and the names of declared nodes.
struct Reader {
    var context: YAMLContext
    /// Every node name declared in the file, valid or not, so links to a broken node do not
    /// also report "unknown node".
    var declaredNames: Set<String> = []

    init(context: YAMLContext) { self.context = context }

    mutating func topology(from root: Node) -> Topology {
        var topology = Topology(name: "", nodes: [], links: [])
        guard let mapping = context.mapping(root, "the topology file", example: "name: lab\nnodes: { ... }\nlinks: [ ... ]") else { return topology }
        let values = context.keys(of: mapping, "the topology file", allowed: TopologyParser.topologyKeys, required: ["name", "nodes"], line: 1)
        if let node = values["name"], let name = context.scalar(node, "the topology name", example: "quickstart") {
            if TopologyParser.isValidTopologyName(name) {
                topology.name = name
            } else {
                context.error(.badTopologyName, line: YAMLContext.line(of: node), "topology name \"\(name)\" is not a valid lab name",
                              fix: "use a lower-case letter, then up to 31 lower-case letters, digits or dashes")
            }
        }
        if let node = values["nodes"] { topology.nodes = nodes(from: node) }
        if let node = values["links"] { topology.links = links(from: node, nodes: topology.nodes) }
        if let node = values["origin-validation"] { topology.originValidation = originValidation(from: node, declared: declaredNames) }
        if let node = values["postfix"], let settings = PostfixYAML.settings(node, "postfix", context: &context) { topology.postfix = settings }
        if let node = values["timers"] { topology.timers = timers(from: node) }
        checkMTAs(topology, postfixLine: YAMLContext.line(of: values["postfix"]))
        // Contracts by country and refused destinations go by the registry's countries.
        if topology.usesCountries && topology.originValidation == nil { topology.originValidation = TopologyOriginValidation() }
        return topology
    }

    mutating func nodes(from node: Node) -> [TopologyNode] {
        if YAMLContext.isNull(node) || node.mapping?.isEmpty == true {
            context.error(.emptyTopology, line: YAMLContext.line(of: node), "the topology has no nodes",
                          fix: "add nodes under \"nodes:\", like  colo1: { role: colo, operator: 64501, region: US, domains: [a.example] }")
            return []
        }
        guard let mapping = context.mapping(node, "\"nodes\"", example: "{ colo1: { role: colo, operator: 64501, region: US } }") else { return [] }
        var result: [TopologyNode] = []
        for (keyNode, value) in mapping {
            guard let name = context.scalar(keyNode, "a node name", example: "colo1") else { continue }
            declaredNames.insert(name)
            if let parsed = self.node(named: name, line: YAMLContext.line(of: keyNode), value: value) { result.append(parsed) }
        }
        return result
    }

    mutating func node(named name: String, line: Int, value: Node) -> TopologyNode? {
        let errorsBefore = context.errors.count
        if !TopologyParser.isValidNodeName(name) {
            context.error(.badNodeName, line: line, "node name \"\(name)\" is not valid",
                          fix: "use \(TopologyParser.nodeNameRule), like colo1 or up-east")
        }
        let what = "node \"\(name)\""
        guard let mapping = context.mapping(value, what, example: "{ role: colo, operator: 64501, region: US }") else { return nil }
        let values = context.keys(of: mapping, what, allowed: TopologyParser.nodeKeys, required: ["role", "operator", "region"], line: line)
        var role: NodeRole?
        if let node = values["role"], let text = context.scalar(node, "the role of \(what)", example: "colo") {
            role = NodeRole(rawValue: text)
            if role == nil {
                let guess = YAMLContext.closest(to: text, in: NodeRole.allCases.map(\.rawValue)).map { "did you mean \"\($0)\"? " } ?? ""
                context.error(.unknownRole, line: YAMLContext.line(of: node), "\(what) has unknown role \"\(text)\"",
                              fix: "\(guess)use colo, upstream or tier1")
            }
        }
        let operatorNumber = values["operator"].flatMap {
            context.number($0, "the operator of \(what)", kind: .badOperator, range: 1...UInt32.max,
                           fix: "use a unique operator number between 1 and 4294967295 (like an AS number)")
        }
        let region = values["region"].flatMap { self.region($0, "the region of \(what)") }
        var domains: [DomainName] = []
        var hijacked: [DomainName] = []
        for key in ["domains", "hijack"] {
            guard let node = values[key], let items = context.scalarList(node, "the \(key) of \(what)", example: "[alice.example]") else { continue }
            for (text, itemLine) in items {
                if let domain = DomainName(text) {
                    domains.append(domain)
                    if key == "hijack" { hijacked.append(domain) }
                } else {
                    context.error(.badDomain, line: itemLine, "\"\(text)\" in the \(key) of \(what) is not a domain name",
                                  fix: "use labels of letters, digits, - and _, separated by dots, like alice.example")
                }
            }
        }
        var refuseRegions: [Region] = []
        if let node = values["refuse-regions"], let items = context.scalarList(node, "the refuse-regions of \(what)", example: "[RU]") {
            for (text, itemLine) in items {
                if let region = Region(text) {
                    refuseRegions.append(region)
                } else {
                    Self.regionError(&context, text: text, what: "refuse-regions of \(what)", line: itemLine)
                }
            }
        }
        var policy = NodePolicy()
        if let node = values["policy"], let parsed = PolicyYAML.nodePolicy(from: node, owner: what, context: &context) {
            policy = parsed
        }
        var overload: OverloadSettings?
        if let node = values["overload"], !YAMLContext.isNull(node) {
            overload = OverloadYAML.settings(node, "the overload of \(what)", context: &context)
        }
        var mta = MTA.mxgp, mtaInvalid = false
        if let node = values["mta"], let text = context.scalar(node, "the mta of \(what)", example: "postfix") {
            if let parsed = MTA(rawValue: text) {
                mta = parsed
            } else {
                mtaInvalid = true
                let guess = YAMLContext.closest(to: text, in: MTA.allCases.map(\.rawValue)).map { "did you mean \"\($0)\"? " } ?? ""
                context.error(.badPostfix, line: YAMLContext.line(of: node), "\(what) has unknown mta \"\(text)\"",
                              fix: "\(guess)use mxgp (the default) or postfix")
            }
        }
        var postfix: PostfixSettings?
        if let node = values["postfix"] {
            postfix = PostfixYAML.settings(node, "the postfix settings of \(what)", context: &context)
            if mta != .postfix, !mtaInvalid {
                context.error(.badPostfix, line: YAMLContext.line(of: node), "\(what) has postfix settings but runs mxgp",
                              fix: "add \"mta: postfix\" to \(what), or remove its \"postfix:\"")
            }
        }
        let countries = values["countries"].flatMap { context.countries($0, "the countries of \(what)") } ?? []
        let refuseDestinations = values["refuse-destinations"].flatMap { context.countries($0, "the refuse-destinations of \(what)") } ?? []
        let complaintRate = context.complaintRate(prior: values["expected-complaint-rate"], weight: values["complaint-rate-weight"], what: what)
        guard context.errors.count == errorsBefore, let role, let operatorNumber, let region else { return nil }
        var result = TopologyNode(name: name, role: role, operatorNumber: operatorNumber, region: region, domains: domains,
                                  policy: policy, refuseRegions: refuseRegions, line: line)
        result.hijacked = hijacked
        result.overload = overload
        result.mta = mta
        result.postfix = postfix
        result.postfixLine = YAMLContext.line(of: values["postfix"] ?? values["mta"])
        result.countries = countries
        result.refuseDestinations = refuseDestinations
        result.complaintRate = complaintRate
        return result
    }

    /// A lab runs one kind of MTA: MXGP nodes and Postfix nodes cannot relay to each other (a
    /// Postfix node speaks no MXGP, and an MXGP node relays only for announced domains).
    /// Also checks each Postfix node's merged timers.
    mutating func checkMTAs(_ topology: Topology, postfixLine: Int) {
        let postfixNodes = topology.nodes.filter { $0.mta == .postfix }
        guard !postfixNodes.isEmpty else { return }
        if let odd = topology.nodes.first(where: { $0.mta != .postfix }) {
            context.error(.badPostfix, line: postfixNodes[0].postfixLine > 0 ? postfixNodes[0].postfixLine : postfixNodes[0].line,
                          "node \"\(postfixNodes[0].name)\" runs postfix but node \"\(odd.name)\" runs mxgp; a lab runs one MTA on every node",
                          fix: "give every node \"mta: postfix\" (and keep an mxgp copy of the topology for the comparison), or none")
        }
        PostfixYAML.check(topology.postfix, "postfix", line: postfixLine, context: &context)
        for node in postfixNodes where node.postfix != nil && topology.postfixSettings(of: node.name) != topology.postfix {
            PostfixYAML.check(topology.postfixSettings(of: node.name), "the postfix settings of node \"\(node.name)\"", line: node.postfixLine, context: &context)
        }
    }

    mutating func region(_ node: Node, _ what: String) -> Region? {
        guard let text = context.scalar(node, what, example: "US") else { return nil }
        if let region = Region(text) { return region }
        Self.regionError(&context, text: text, what: what, line: YAMLContext.line(of: node))
        return nil
    }

    static func regionError(_ context: inout YAMLContext, text: String, what: String, line: Int) {
        context.error(.badRegion, line: line, "\"\(text)\" in \(what) is not an ISO 3166 alpha-2 region code",
                      fix: "use two letters such as US, DE, JP or RU")
    }

    static func nodeFix(_ name: String, known: Set<String>) -> String {
        if let best = YAMLContext.closest(to: name, in: known.sorted()) { return "did you mean \"\(best)\"? (or declare \"\(name)\" under nodes:)" }
        return "declare \"\(name)\" under nodes: or use one of: \(known.sorted().joined(separator: ", "))"
    }

    mutating func links(from node: Node, nodes: [TopologyNode]) -> [TopologyLink] {
        guard let items = context.sequence(node, "\"links\"", example: "[ { a: colo1, b: up1 } ]") else { return [] }
        let byName = Dictionary(nodes.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var result: [TopologyLink] = []
        for (index, item) in items.enumerated() {
            if let link = link(from: item, number: index + 1, byName: byName) { result.append(link) }
        }
        return result
    }

    mutating func link(from item: Node, number: Int, byName: [String: TopologyNode]) -> TopologyLink? {
        let line = YAMLContext.line(of: item)
        let errorsBefore = context.errors.count
        guard let mapping = context.mapping(item, "link \(number)", example: "{ a: colo1, b: up1 }") else { return nil }
        let values = context.keys(of: mapping, "link \(number)", allowed: TopologyParser.linkKeys, required: ["a", "b"], line: line)
        var ends: [TopologyNode] = []
        for key in ["a", "b"] {
            guard let node = values[key], let name = context.scalar(node, "\"\(key)\" of link \(number)", example: "colo1") else { continue }
            if let found = byName[name] {
                ends.append(found)
            } else if !declaredNames.contains(name) {
                context.error(.unknownNode, line: YAMLContext.line(of: node), "link \(number) names unknown node \"\(name)\"",
                              fix: Self.nodeFix(name, known: declaredNames))
            }
        }
        let what = ends.count == 2 ? "link \(number) (\(ends[0].name)–\(ends[1].name))" : "link \(number)"
        var relationship: Relationship?
        if let node = values["relationship"], let text = context.scalar(node, "the relationship of \(what)", example: "peer") {
            relationship = Relationship(rawValue: text)
            if relationship == nil {
                context.error(.badRelationship, line: YAMLContext.line(of: node), "\(what) has relationship \"\(text)\"",
                              fix: "use customer, provider or peer (a's role toward b), or leave it out to infer it from the roles")
            }
        }
        let terms = context.contractTerms(price: values["price"], covers: values["covers"], what: what)
        let price = terms?.price ?? 0
        let chargeback = values["chargeback"].flatMap {
            context.number($0, "the chargeback of \(what)", kind: .badContract, fix: "use a whole number of price units per complaint, 0 or more")
        } ?? 0
        let rateLimit = values["rate-limit"].flatMap {
            context.number($0, "the rate-limit of \(what)", kind: .badContract, fix: "use a whole number of messages per minute, 0 for no limit")
        } ?? 0
        let maxSize = values["max-size"].flatMap {
            context.number($0, "the max-size of \(what)", kind: .badContract, range: 1...UInt32.max,
                           fix: "use a whole number of bytes, 1 or more (leave it out for the 10 MiB default)")
        }
        let impairment = values["impairment"].flatMap { self.impairment(from: $0, what: what) }
        guard context.errors.count == errorsBefore, ends.count == 2 else { return nil }
        let aRole = relationship ?? Relationship.inferred(local: ends[1].role, neighbour: ends[0].role)
        var link = TopologyLink(a: ends[0].name, b: ends[1].name, aRole: aRole, price: price, impairment: impairment, line: line)
        link.chargeback = chargeback
        link.coverage = terms?.coverage ?? .everywhere
        link.rateLimit = rateLimit
        link.maxSize = maxSize
        return link
    }
}
