/// What a policy is evaluated against.
public struct PolicySubject: Sendable {
    public var domain: DomainName?
    public var neighbour: String
    public var relationship: Relationship
    public var attributes: PathAttributes

    public init(domain: DomainName?, neighbour: String, relationship: Relationship, attributes: PathAttributes) {
        self.domain = domain
        self.neighbour = neighbour
        self.relationship = relationship
        self.attributes = attributes
    }
}

/// The outcome of evaluating a policy: accepted or not, and the modifications collected.
public struct PolicyOutcome: Hashable, Sendable {
    public var accepted: Bool
    public var localPreference: UInt32?
    public var price: UInt32?
    public var prepend: Int = 0
    public var communities: [Community]
    /// Index of the rule that decided, nil when the default did.
    public var decidingRule: Int?

    /// Applies the collected changes to `attributes`, prepending `prependOperator` as asked.
    public func apply(to attributes: PathAttributes, prependOperator: OperatorNumber) -> PathAttributes {
        let communitiesChanged = communities != attributes.communities
        if prepend == 0 && !communitiesChanged { return attributes }
        let path = prepend > 0 ? Array(repeating: prependOperator, count: prepend) + attributes.operatorPath : nil
        return attributes.with(operatorPath: path, communities: communitiesChanged ? communities : nil)
    }
}

extension PolicyMatch {
    /// True when every condition that is set holds for `subject`.
    public func matches(_ subject: PolicySubject) -> Bool {
        if let suffix = domainSuffix {
            guard let domain = subject.domain, domain.isUnder(suffix) else { return false }
        }
        if let neighbour, neighbour != subject.neighbour { return false }
        if let relationship, relationship != subject.relationship { return false }
        if let op = pathContains, !subject.attributes.operatorPath.contains(op) { return false }
        if let community, !subject.attributes.communities.contains(community) { return false }
        if let region = originRegion, subject.attributes.originProof?.region != region { return false }
        return true
    }
}

extension Policy {
    /// Evaluates the rules in order: each matching rule applies its actions, then accepts,
    /// rejects or continues; the default verdict applies when no rule decided.
    public func evaluate(_ subject: PolicySubject) -> PolicyOutcome {
        var outcome = PolicyOutcome(accepted: true, communities: subject.attributes.communities)
        for (index, rule) in rules.enumerated() where rule.match.matches(subject) {
            for action in rule.actions {
                switch action {
                case .setLocalPreference(let value): outcome.localPreference = value
                case .setPrice(let value): outcome.price = value
                case .prepend(let count): outcome.prepend += max(0, count)
                case .addCommunity(let c): if !outcome.communities.contains(c) { outcome.communities.append(c); outcome.communities.sort() }
                case .removeCommunity(let c): outcome.communities.removeAll { $0 == c }
                }
            }
            switch rule.verdict {
            case .accept: outcome.decidingRule = index; return outcome
            case .reject: outcome.accepted = false; outcome.decidingRule = index; return outcome
            case .continue: continue
            }
        }
        outcome.accepted = defaultVerdict != .reject
        return outcome
    }
}
