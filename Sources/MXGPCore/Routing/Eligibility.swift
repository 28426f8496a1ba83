/// Result of origin validation (the mail analog of RPKI route origin validation).
public enum OriginValidity: String, Sendable, Hashable, Codable {
    case valid
    case invalid
    case notFound
}

/// Decides whether an operator may originate a domain. Implemented by the origin registry.
public protocol OriginValidating: Sendable {
    func validate(domain: DomainName, origin: OperatorNumber) -> OriginValidity
    /// The countries the registry records for `domain` (empty: unknown).
    func countries(of domain: DomainName) -> [Country]
}

extension OriginValidating {
    /// A validator that records no countries knows none.
    public func countries(of domain: DomainName) -> [Country] { [] }
}

/// Why a received route is not eligible for the decision process.
public enum IneligibleReason: String, Sendable, Hashable, Codable {
    /// This node's operator is already in the path.
    case loop
    /// The path does not start with the neighbour's operator.
    case firstOperatorMismatch
    /// Only-to-customer route received from a customer, or from a peer that did not set it (RFC 9234).
    case otcLeak
    /// Origin validation says Invalid.
    case originInvalid
    /// Import policy rejected it.
    case importRejected
}

/// The eligibility rules of docs/PROTOCOL.md §9.2 that need only the attributes and the
/// neighbour, as pure functions. The whole order is: loop, first operator, OTC leak (here),
/// then import policy and origin validation (`RoutingEngine.receive`, which runs them only for
/// routes these checks let through). DESIGN §2 lists the same rules without fixing an order;
/// the first rule that fails is the reason recorded.
///
/// REGION_POLICY does not make a route ineligible: it is decided per message, by the region the
/// message comes from (``RelayDecision/admitting(_:origin:)``), so a node in a refused region
/// keeps the route for mail from elsewhere.
public enum Eligibility {
    /// Rules 1–3 of PROTOCOL §9.2, in that order (import policy and origin are separate).
    public static func check(
        attributes: PathAttributes, localOperator: OperatorNumber,
        neighbourOperator: OperatorNumber, relationship: Relationship
    ) -> IneligibleReason? {
        if attributes.operatorPath.contains(localOperator) { return .loop }
        if attributes.operatorPath.first != neighbourOperator { return .firstOperatorMismatch }
        if let otc = attributes.onlyToCustomer {
            switch relationship {
            case .customer: return .otcLeak
            case .peer: if otc != neighbourOperator { return .otcLeak }
            case .provider: break
            }
        }
        return nil
    }

    /// RFC 9234 ingress rule: a route from a provider or peer without OTC gets OTC set to the neighbour.
    public static func markingOnlyToCustomer(_ attributes: PathAttributes, neighbourOperator: OperatorNumber, relationship: Relationship) -> PathAttributes {
        guard attributes.onlyToCustomer == nil, relationship != .customer else { return attributes }
        return attributes.with(onlyToCustomer: .some(neighbourOperator))
    }
}
