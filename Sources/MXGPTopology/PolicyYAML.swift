import MXGPCore
import Yams

/// Reads policies from YAML: an ordered list of rules, then an optional explicit default.
///
/// ```yaml
/// import:
///   - match: { domain: bad.example }   # also neighbour, relationship, path-contains, community, origin-region
///     action: reject
///   - match: { neighbour: up2 }
///     set: { local-pref: 150, price: 2, prepend: 2, add-community: ["64501:1:1"], remove-community: ["1:2:3"] }
///     action: accept                   # accept | reject | continue (continue when omitted and `set` is present)
///   - default: accept                  # accept when omitted
/// export: []
/// ```
///
/// Actions of a rule are normalised into a fixed order (local-pref, price, prepend,
/// add-community, remove-community), the order ``Policy/yamlText`` writes them in, so
/// a parsed policy renders and parses back to an equal value.
public enum PolicyYAML {
    /// Keys of a node policy mapping.
    public static let nodePolicyKeys = ["import", "export"]
    /// Keys of a rule.
    public static let ruleKeys = ["match", "set", "action"]
    /// Keys of a rule's `match`.
    /// `destination-region` is the region the route's origin declares (ORIGIN_PROOF): where the
    /// mail goes. `origin-region` is its old name, still read, with a warning: it read like the
    /// sender's region, which is what `refuse-regions` is about.
    public static let matchKeys = ["domain", "neighbour", "relationship", "path-contains", "community", "destination-region", "origin-region"]
    /// Keys of a rule's `set`.
    public static let setKeys = ["local-pref", "price", "prepend", "add-community", "remove-community"]
    /// Largest `prepend` count.
    public static let maximumPrepend = 16

    /// Parses a `{import: [...], export: [...]}` mapping; a missing list accepts everything.
    /// `owner` names what the policy belongs to in messages (`node "colo1"`).
    public static func nodePolicy(from node: Node, owner: String, context: inout YAMLContext) -> NodePolicy? {
        let what = "the policy of \(owner)"
        guard let mapping = context.mapping(node, what, example: "{ import: [ ... ], export: [ ... ] }") else { return nil }
        let values = context.keys(of: mapping, what, allowed: nodePolicyKeys, line: YAMLContext.line(of: node))
        let errorsBefore = context.errors.count
        var result = NodePolicy()
        if let value = values["import"], let policy = policy(from: value, name: "import policy of \(owner)", context: &context) {
            result.importPolicy = policy
        }
        if let value = values["export"], let policy = policy(from: value, name: "export policy of \(owner)", context: &context) {
            result.exportPolicy = policy
        }
        return context.errors.count == errorsBefore ? result : nil
    }

    /// Parses a list of rules ending with an optional `- default: accept|reject`.
    /// `name` names the list in messages (`import policy of node "colo1"`).
    public static func policy(from node: Node, name: String, context: inout YAMLContext) -> Policy? {
        guard let items = context.sequence(node, "the \(name)", example: "[ { match: { domain: x.example }, action: reject }, { default: accept } ]")
        else { return nil }
        let errorsBefore = context.errors.count
        var rules: [PolicyRule] = []
        var defaultVerdict: PolicyVerdict?
        for (index, item) in items.enumerated() {
            let what = "rule \(index + 1) of the \(name)"
            let line = YAMLContext.line(of: item)
            guard let mapping = context.mapping(item, what, example: "{ match: { ... }, action: accept }") else { continue }
            if mapping["default"] != nil {
                if let verdict = parseDefault(mapping, what: what, isLast: index == items.count - 1, line: line, context: &context) {
                    defaultVerdict = verdict
                }
            } else if let rule = rule(from: mapping, what: what, line: line, context: &context) {
                rules.append(rule)
            }
        }
        guard context.errors.count == errorsBefore else { return nil }
        return Policy(rules: rules, defaultVerdict: defaultVerdict ?? .accept)
    }

    static func parseDefault(_ mapping: Node.Mapping, what: String, isLast: Bool, line: Int, context: inout YAMLContext) -> PolicyVerdict? {
        let values = context.keys(of: mapping, what, allowed: ["default"], line: line)
        if !isLast {
            context.error(.badPolicy, line: line, "\(what) is a default but is not the last rule",
                          fix: "move \"- default: …\" to the end of the list (rules after it would never run)")
        }
        guard let node = values["default"], let text = context.scalar(node, "the default of \(what)", example: "accept") else { return nil }
        guard let verdict = PolicyVerdict(rawValue: text), verdict != .continue else {
            context.error(.badPolicy, line: YAMLContext.line(of: node), "the default \"\(text)\" is not accept or reject",
                          fix: "write \"default: accept\" or \"default: reject\"")
            return nil
        }
        return verdict
    }

    static func rule(from mapping: Node.Mapping, what: String, line: Int, context: inout YAMLContext) -> PolicyRule? {
        let errorsBefore = context.errors.count
        let values = context.keys(of: mapping, what, allowed: ruleKeys, line: line)
        let match = values["match"].flatMap { parseMatch($0, what: what, context: &context) } ?? PolicyMatch()
        let actions = values["set"].flatMap { parseSet($0, what: what, context: &context) } ?? []
        var verdict: PolicyVerdict = .continue
        if let node = values["action"] {
            if let text = context.scalar(node, "the action of \(what)", example: "accept") {
                if let parsed = PolicyVerdict(rawValue: text) {
                    verdict = parsed
                } else {
                    let suggestion = YAMLContext.closest(to: text, in: PolicyVerdict.allCases.map(\.rawValue)).map { "did you mean \"\($0)\"? " } ?? ""
                    context.error(.badPolicy, line: YAMLContext.line(of: node), "the action \"\(text)\" of \(what) is not accept, reject or continue",
                                  fix: "\(suggestion)use accept, reject or continue")
                }
            }
        } else if values["set"] == nil, context.errors.count == errorsBefore {
            context.error(.badPolicy, line: line, "\(what) has neither \"action\" nor \"set\", so it does nothing",
                          fix: "add \"action: accept\" or \"action: reject\", or a \"set: { ... }\"")
        }
        guard context.errors.count == errorsBefore else { return nil }
        return PolicyRule(match: match, actions: actions, verdict: verdict)
    }

    static func parseMatch(_ node: Node, what: String, context: inout YAMLContext) -> PolicyMatch? {
        let place = "the match of \(what)"
        guard let mapping = context.mapping(node, place, example: "{ domain: bad.example }") else { return nil }
        let values = context.keys(of: mapping, place, allowed: matchKeys, line: YAMLContext.line(of: node))
        var match = PolicyMatch()
        if let node = values["domain"], let text = context.scalar(node, "domain in \(place)", example: "bad.example") {
            match.domainSuffix = DomainName(text)
            if match.domainSuffix == nil {
                context.error(.badDomain, line: YAMLContext.line(of: node), "\"\(text)\" in \(place) is not a domain name",
                              fix: "use labels of letters, digits, - and _, separated by dots (like bad.example), or \".\" for every domain")
            }
        }
        if let node = values["neighbour"], let text = context.scalar(node, "neighbour in \(place)", example: "up1") {
            if TopologyParser.isValidNodeName(text) {
                match.neighbour = text
                context.noteNeighbourReference(text, line: YAMLContext.line(of: node))
            } else {
                context.error(.badNodeName, line: YAMLContext.line(of: node), "neighbour \"\(text)\" in \(place) is not a node name",
                              fix: "use the name of a neighbouring node (\(TopologyParser.nodeNameRule))")
            }
        }
        if let node = values["relationship"], let text = context.scalar(node, "relationship in \(place)", example: "peer") {
            match.relationship = Relationship(rawValue: text)
            if match.relationship == nil {
                context.error(.badRelationship, line: YAMLContext.line(of: node), "relationship \"\(text)\" in \(place) is not customer, provider or peer",
                              fix: "use customer, provider or peer (what the neighbour is to this node)")
            }
        }
        if let node = values["path-contains"] {
            match.pathContains = context.number(node, "path-contains in \(place)", kind: .badOperator, range: 1...UInt32.max,
                                                fix: "use an operator number between 1 and 4294967295")
        }
        if let node = values["community"] {
            match.community = community(node, "community in \(place)", context: &context)
        }
        for key in ["destination-region", "origin-region"] {
            guard let node = values[key], let text = context.scalar(node, "\(key) in \(place)", example: "RU") else { continue }
            if key == "origin-region" {
                context.warning(.badPolicyValue, line: YAMLContext.line(of: node), "origin-region in \(place) is the old name of destination-region",
                                fix: "write destination-region: it matches the region the route's origin (the destination) declares, not where mail comes from")
            }
            match.originRegion = Region(text)
            if match.originRegion == nil {
                context.error(.badRegion, line: YAMLContext.line(of: node), "\(key) \"\(text)\" in \(place) is not an ISO 3166 alpha-2 code",
                              fix: "use two letters such as US, DE or RU")
            }
        }
        return match
    }

    static func parseSet(_ node: Node, what: String, context: inout YAMLContext) -> [PolicyAction]? {
        let place = "the set of \(what)"
        guard let mapping = context.mapping(node, place, example: "{ local-pref: 150 }") else { return nil }
        let values = context.keys(of: mapping, place, allowed: setKeys, line: YAMLContext.line(of: node))
        var actions: [PolicyAction] = []
        if let node = values["local-pref"], let value = context.number(
            node, "local-pref in \(place)", kind: .badPolicyValue, fix: "use a whole number such as 150 (customer routes default to 300, peers 200, providers 100)")
        {
            actions.append(.setLocalPreference(value))
        }
        if let node = values["price"], let value = context.number(
            node, "price in \(place)", kind: .badPrice, fix: "use a whole number of price units per message, 0 or more")
        {
            actions.append(.setPrice(value))
        }
        if let node = values["prepend"], let value = context.number(
            node, "prepend in \(place)", kind: .badPolicyValue, range: 1...UInt32(maximumPrepend),
            fix: "prepend between 1 and \(maximumPrepend) times")
        {
            actions.append(.prepend(Int(value)))
        }
        for (key, make) in [("add-community", PolicyAction.addCommunity), ("remove-community", PolicyAction.removeCommunity)] {
            guard let node = values[key] else { continue }
            let nodes: [Node]
            if case .sequence(let sequence) = node { nodes = Array(sequence) } else { nodes = [node] }
            for item in nodes {
                if let value = community(item, "\(key) in \(place)", context: &context) { actions.append(make(value)) }
            }
        }
        return actions
    }

    static func community(_ node: Node, _ what: String, context: inout YAMLContext) -> Community? {
        guard let text = context.scalar(node, what, example: "\"64501:1:1\"") else { return nil }
        if let value = Community(text) { return value }
        context.error(.badPolicyValue, line: YAMLContext.line(of: node), "\(what) is \"\(text)\", not a community",
                      fix: "write three 32-bit numbers separated by colons, quoted, like \"64501:1:1\"")
        return nil
    }
}

extension Policy {
    /// Parses a policy written as a YAML list of rules (see ``PolicyYAML``).
    /// - Throws: ``ConfigFileErrors`` with every problem found, each with file and line.
    public static func parse(yaml: String, file: String = "<policy>") throws(ConfigFileErrors) -> Policy {
        var context = YAMLContext(file: file)
        let root = context.compose(yaml)
        let policy = root.flatMap { PolicyYAML.policy(from: $0, name: "policy", context: &context) } ?? (context.isClean ? Policy() : nil)
        guard let policy, context.isClean else { throw context.failure }
        return policy
    }
}

extension NodePolicy {
    /// Parses a `{import: [...], export: [...]}` mapping written as YAML (see ``PolicyYAML``).
    /// - Throws: ``ConfigFileErrors`` with every problem found, each with file and line.
    public static func parse(yaml: String, file: String = "<policy>") throws(ConfigFileErrors) -> NodePolicy {
        var context = YAMLContext(file: file)
        let root = context.compose(yaml)
        let policy = root.flatMap { PolicyYAML.nodePolicy(from: $0, owner: "this file", context: &context) } ?? (context.isClean ? NodePolicy() : nil)
        guard let policy, context.isClean else { throw context.failure }
        return policy
    }
}
