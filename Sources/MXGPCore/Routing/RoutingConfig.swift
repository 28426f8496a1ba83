/// The local node as the routing engine needs it.
public struct LocalRoutingConfig: Sendable, Hashable {
    public var name: String
    public var operatorNumber: OperatorNumber
    public var role: NodeRole
    public var region: Region
    /// This node's SMTP endpoint (`host:port`), announced as NEXT_HOP.
    public var nextHop: String
    /// Domains this node originates.
    public var ownDomains: [DomainName]
    public var policy: NodePolicy
    /// Regions whose mail this node refuses (announced as REGION_POLICY).
    public var refuseRegions: [Region]
    /// Largest UPDATE this node sends.
    public var maximumMessageSize: Int

    public init(
        name: String, operatorNumber: OperatorNumber, role: NodeRole, region: Region, nextHop: String,
        ownDomains: [DomainName] = [], policy: NodePolicy = NodePolicy(), refuseRegions: [Region] = [],
        maximumMessageSize: Int = MXGPFraming.defaultMaximumMessageSize
    ) {
        self.name = name
        self.operatorNumber = operatorNumber
        self.role = role
        self.region = region
        self.nextHop = nextHop
        self.ownDomains = ownDomains
        self.policy = policy
        self.refuseRegions = refuseRegions
        self.maximumMessageSize = maximumMessageSize
    }
}

/// One neighbour as the routing engine needs it.
public struct NeighbourRoutingConfig: Sendable, Hashable {
    public var name: String
    public var operatorNumber: OperatorNumber
    /// What the neighbour is to this node.
    public var relationship: Relationship
    /// Contract price per message on this link (charged by the provider side).
    public var contractPrice: UInt32
    /// The NEXT_HOP announced to this neighbour (`host:port`), when it differs from the node's
    /// SMTP endpoint: next-hop-self, the node's own address on the link to this neighbour, so
    /// the neighbour's mail stays on that link (labs set it; see docs/PROTOCOL.md, NEXT_HOP).
    public var nextHop: String?

    public init(name: String, operatorNumber: OperatorNumber, relationship: Relationship, contractPrice: UInt32 = 0, nextHop: String? = nil) {
        self.name = name
        self.operatorNumber = operatorNumber
        self.relationship = relationship
        self.contractPrice = contractPrice
        self.nextHop = nextHop
    }

    /// PRICE announced on routes sent to this neighbour: the contract price to a customer, 0 otherwise.
    public var exportPrice: UInt32 { relationship == .customer ? contractPrice : 0 }
}

/// A route announced to one neighbour, ready to encode.
public struct OutboundUpdates: Sendable {
    public var neighbour: Int
    public var messages: [MXGPMessage]
}
