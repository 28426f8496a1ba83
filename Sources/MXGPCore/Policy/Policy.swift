/// Conditions of a policy rule; every condition that is set must hold (logical AND).
/// An empty match matches every route.
public struct PolicyMatch: Hashable, Sendable {
    /// The route's domain equals this suffix or lies under it (label-wise).
    public var domainSuffix: DomainName?
    /// The neighbour the route comes from (import) or goes to (export), by node name.
    public var neighbour: String?
    /// The neighbour's relationship (what the neighbour is to this node).
    public var relationship: Relationship?
    /// The operator path contains this operator.
    public var pathContains: OperatorNumber?
    /// The route carries this community.
    public var community: Community?
    /// The route's origin region (from ORIGIN_PROOF) is this region.
    public var originRegion: Region?

    public init(
        domainSuffix: DomainName? = nil, neighbour: String? = nil, relationship: Relationship? = nil,
        pathContains: OperatorNumber? = nil, community: Community? = nil, originRegion: Region? = nil
    ) {
        self.domainSuffix = domainSuffix
        self.neighbour = neighbour
        self.relationship = relationship
        self.pathContains = pathContains
        self.community = community
        self.originRegion = originRegion
    }

    /// True when no condition is set.
    public var matchesEverything: Bool { self == PolicyMatch() }
}

/// A modification a rule applies to a matching route.
public enum PolicyAction: Hashable, Sendable {
    /// Sets the local preference (import only; ignored on export).
    case setLocalPreference(UInt32)
    /// Sets the PRICE (import: the price the decision compares; export: the PRICE announced).
    case setPrice(UInt32)
    /// Prepends an operator this many extra times (import: the neighbour's; export: this node's).
    case prepend(Int)
    /// Adds a community.
    case addCommunity(Community)
    /// Removes a community.
    case removeCommunity(Community)
}

/// What happens after a matching rule applied its actions.
public enum PolicyVerdict: String, Hashable, Sendable, CaseIterable {
    /// Stop here and take the route.
    case accept
    /// Stop here and drop the route.
    case reject
    /// Go on with the next rule (the modifications stay applied).
    case `continue`
}

/// One ordered rule.
public struct PolicyRule: Hashable, Sendable {
    public var match: PolicyMatch
    public var actions: [PolicyAction]
    public var verdict: PolicyVerdict

    public init(match: PolicyMatch = PolicyMatch(), actions: [PolicyAction] = [], verdict: PolicyVerdict) {
        self.match = match
        self.actions = actions
        self.verdict = verdict
    }
}

/// An ordered list of rules with an explicit default verdict at the end.
public struct Policy: Hashable, Sendable {
    public var rules: [PolicyRule]
    /// Applied when no rule accepted or rejected (accept or reject; never continue).
    public var defaultVerdict: PolicyVerdict

    public init(rules: [PolicyRule] = [], defaultVerdict: PolicyVerdict = .accept) {
        self.rules = rules
        self.defaultVerdict = defaultVerdict == .continue ? .accept : defaultVerdict
    }

    /// The policy that accepts everything unchanged.
    public static let acceptAll = Policy()

    /// True when some rule looks at the domain, so results cannot be shared across domains.
    public var dependsOnDomain: Bool { rules.contains { $0.match.domainSuffix != nil } }
}

/// A node's import and export policies.
public struct NodePolicy: Hashable, Sendable {
    public var importPolicy: Policy
    public var exportPolicy: Policy

    public init(importPolicy: Policy = .acceptAll, exportPolicy: Policy = .acceptAll) {
        self.importPolicy = importPolicy
        self.exportPolicy = exportPolicy
    }
}
