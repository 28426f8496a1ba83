/// Result of origin validation (the mail analog of RPKI route origin validation).
public enum OriginValidity: String, Sendable, Hashable, Codable {
    case valid
    case invalid
    case notFound
}

/// Decides whether an operator may originate a domain. Implemented by the origin registry.
public protocol OriginValidating: Sendable {
    func validate(domain: DomainName, origin: OperatorNumber) -> OriginValidity
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
    /// The path refuses mail from this node's region.
    case regionRefused
}

/// The eligibility rules of DESIGN §2, in order, as pure functions.
public enum Eligibility {
    /// The checks that need only the attributes and the neighbour (policy and origin are separate).
    public static func check(
        attributes: PathAttributes, localOperator: OperatorNumber, localRegion: Region,
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
        if attributes.regionPolicy.contains(localRegion) { return .regionRefused }
        return nil
    }

    /// RFC 9234 ingress rule: a route from a provider or peer without OTC gets OTC set to the neighbour.
    public static func markingOnlyToCustomer(_ attributes: PathAttributes, neighbourOperator: OperatorNumber, relationship: Relationship) -> PathAttributes {
        guard attributes.onlyToCustomer == nil, relationship != .customer else { return attributes }
        return attributes.with(onlyToCustomer: .some(neighbourOperator))
    }
}
