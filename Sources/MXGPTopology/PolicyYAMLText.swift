import MXGPCore

extension Policy {
    /// The policy as a YAML block list, one rule per item and the explicit default last.
    ///
    /// Parsing the text with ``Policy/parse(yaml:file:)`` gives back an equal policy when the
    /// actions of each rule are in the normalised order (local-pref, price, prepend,
    /// add-community, remove-community), which is the order every parsed policy has.
    public var yamlText: String { yamlLines(indent: 0).joined(separator: "\n") + "\n" }

    /// The lines of ``yamlText``, each indented by `indent` spaces (for embedding under a key).
    public func yamlLines(indent: Int) -> [String] {
        let pad = String(repeating: " ", count: indent)
        var lines: [String] = []
        for rule in rules {
            var fields: [String] = []
            if !rule.match.matchesEverything { fields.append("match: \(PolicyYAMLText.flow(PolicyYAMLText.matchFields(rule.match)))") }
            if !rule.actions.isEmpty { fields.append("set: \(PolicyYAMLText.flow(PolicyYAMLText.setFields(rule.actions)))") }
            fields.append("action: \(rule.verdict.rawValue)")
            for (index, field) in fields.enumerated() {
                lines.append(pad + (index == 0 ? "- " : "  ") + field)
            }
        }
        lines.append(pad + "- default: \(defaultVerdict.rawValue)")
        return lines
    }
}

extension NodePolicy {
    /// True when both directions accept everything unchanged.
    public var isAcceptAll: Bool { importPolicy == .acceptAll && exportPolicy == .acceptAll }

    /// The policy as a YAML mapping with `import:` and `export:` lists (see ``Policy/yamlText``).
    public var yamlText: String { yamlLines(indent: 0).joined(separator: "\n") + "\n" }

    /// The lines of ``yamlText``, each indented by `indent` spaces.
    public func yamlLines(indent: Int) -> [String] {
        let pad = String(repeating: " ", count: indent)
        return [pad + "import:"] + importPolicy.yamlLines(indent: indent + 2)
            + [pad + "export:"] + exportPolicy.yamlLines(indent: indent + 2)
    }
}

enum PolicyYAMLText {
    static func flow(_ fields: [String]) -> String { "{ " + fields.joined(separator: ", ") + " }" }

    static func matchFields(_ match: PolicyMatch) -> [String] {
        var fields: [String] = []
        if let domain = match.domainSuffix { fields.append("domain: \(quotedIfNeeded(domain.text))") }
        if let neighbour = match.neighbour { fields.append("neighbour: \(neighbour)") }
        if let relationship = match.relationship { fields.append("relationship: \(relationship.rawValue)") }
        if let op = match.pathContains { fields.append("path-contains: \(op)") }
        if let community = match.community { fields.append("community: \"\(community)\"") }
        if let region = match.originRegion { fields.append("destination-region: \(regionText(region))") }
        return fields
    }

    static func setFields(_ actions: [PolicyAction]) -> [String] {
        var fields: [String] = []
        var added: [String] = [], removed: [String] = []
        for action in actions {
            switch action {
            case .setLocalPreference(let value): fields.append("local-pref: \(value)")
            case .setPrice(let value): fields.append("price: \(value)")
            case .prepend(let count): fields.append("prepend: \(count)")
            case .addCommunity(let community): added.append("\"\(community)\"")
            case .removeCommunity(let community): removed.append("\"\(community)\"")
            }
        }
        if !added.isEmpty { fields.append("add-community: [\(added.joined(separator: ", "))]") }
        if !removed.isEmpty { fields.append("remove-community: [\(removed.joined(separator: ", "))]") }
        return fields
    }

    /// Region codes that YAML 1.1 would read as booleans are quoted for other tools' sake.
    static func regionText(_ region: Region) -> String {
        ["NO", "ON", "OFF", "YES", "Y", "N"].contains(region.code) ? "\"\(region.code)\"" : region.code
    }

    /// The root `.` and names that look like numbers are quoted.
    static func quotedIfNeeded(_ text: String) -> String {
        if text == "." || Double(text) != nil { return "\"\(text)\"" }
        return text
    }
}
