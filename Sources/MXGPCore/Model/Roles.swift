/// An operator number: the 32-bit identity of one mail operator (like an AS number).
public typealias OperatorNumber = UInt32

/// The role a node plays in the mail internet; it sets the node's defaults.
public enum NodeRole: String, Sendable, Hashable, CaseIterable, Codable {
    /// An edge relay: originates its own domains, buys transit, never gives transit.
    case colo
    /// A provider: sells transit to customers, buys from Tier 1s, may peer.
    case upstream
    /// A Tier 1: no providers, peers with the other Tier 1s, sells transit.
    case tier1

    /// Rank used to infer relationships: the lower rank is the customer, equal ranks peer.
    public var rank: Int {
        switch self {
        case .colo: return 0
        case .upstream: return 1
        case .tier1: return 2
        }
    }

    /// The wire code of the role inside OPEN.
    public var wireCode: UInt8 {
        switch self {
        case .colo: return 1
        case .upstream: return 2
        case .tier1: return 3
        }
    }

    /// Creates a role from its wire code.
    public init?(wireCode: UInt8) {
        switch wireCode {
        case 1: self = .colo
        case 2: self = .upstream
        case 3: self = .tier1
        default: return nil
        }
    }
}

/// What a neighbour is to this node (RFC 9234 roles seen from the local side).
///
/// `customer` means "the neighbour is my customer". On the wire, OPEN carries the
/// sender's own role toward the receiver, so a receiver checks that the role a
/// neighbour claims equals the relationship it configured for that neighbour.
public enum Relationship: String, Sendable, Hashable, CaseIterable, Codable {
    case customer
    case provider
    case peer

    /// The same link seen from the other side.
    public var complement: Relationship {
        switch self {
        case .customer: return .provider
        case .provider: return .customer
        case .peer: return .peer
        }
    }

    /// RFC 9234 role codes (Provider 0, Customer 3, Peer 4).
    public var wireCode: UInt8 {
        switch self {
        case .provider: return 0
        case .customer: return 3
        case .peer: return 4
        }
    }

    /// Creates a relationship from an RFC 9234 role code; route-server roles are not supported.
    public init?(wireCode: UInt8) {
        switch wireCode {
        case 0: self = .provider
        case 3: self = .customer
        case 4: self = .peer
        default: return nil
        }
    }

    /// Default local preference of routes learned from a neighbour with this relationship.
    public var defaultLocalPreference: UInt32 {
        switch self {
        case .customer: return 300
        case .peer: return 200
        case .provider: return 100
        }
    }

    /// Infers the relationship of `neighbour` as seen from `local` from their roles:
    /// the lower rank is the customer, equal ranks are peers.
    public static func inferred(local: NodeRole, neighbour: NodeRole) -> Relationship {
        if local.rank == neighbour.rank { return .peer }
        return neighbour.rank < local.rank ? .customer : .provider
    }
}

/// Local preference given to a node's own domains; always above any learned route.
public let ownRouteLocalPreference: UInt32 = 1000

/// An ISO 3166 alpha-2 region code, upper case (`US`, `DE`).
public struct Region: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    /// The two upper-case letters.
    public let code: String

    /// Validates and normalises a region code; returns nil unless it is two ASCII letters.
    public init?(_ text: String) {
        let upper = text.uppercased()
        guard upper.utf8.count == 2, upper.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 }) else { return nil }
        self.code = upper
    }

    public var description: String { code }
    public static func < (a: Region, b: Region) -> Bool { a.code < b.code }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let region = Region(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a region code: \(text)"))
        }
        self = region
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(code)
    }
}
