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
    /// Destination countries this node will not deliver to ("won't talk to"): it exports no
    /// route for a domain whose registry country is one of them.
    public var refuseDestinations: [Country]
    /// The expected complaint rate (parts per million) the decision weighs chargebacks with.
    public var complaintRatePPM: UInt32

    public init(
        name: String, operatorNumber: OperatorNumber, role: NodeRole, region: Region, nextHop: String,
        ownDomains: [DomainName] = [], policy: NodePolicy = NodePolicy(), refuseRegions: [Region] = [],
        maximumMessageSize: Int = MXGPFraming.defaultMaximumMessageSize, refuseDestinations: [Country] = [],
        complaintRatePPM: UInt32 = 0
    ) {
        self.refuseDestinations = refuseDestinations
        self.complaintRatePPM = complaintRatePPM
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
    /// The contract's countries and their prices (``ContractCoverage``); applies to routes
    /// exported to a customer.
    public var coverage: ContractCoverage
    /// Chargeback per spam complaint on this link, announced as CHARGEBACK to a customer.
    public var chargeback: UInt32

    public init(
        name: String, operatorNumber: OperatorNumber, relationship: Relationship, contractPrice: UInt32 = 0, nextHop: String? = nil,
        coverage: ContractCoverage = .everywhere, chargeback: UInt32 = 0
    ) {
        self.coverage = coverage
        self.chargeback = chargeback
        self.name = name
        self.operatorNumber = operatorNumber
        self.relationship = relationship
        self.contractPrice = contractPrice
        self.nextHop = nextHop
    }

    /// PRICE announced on routes sent to this neighbour: the contract price to a customer, 0 otherwise.
    public var exportPrice: UInt32 { relationship == .customer ? contractPrice : 0 }

    /// CHARGEBACK announced on routes sent to this neighbour: the contract's to a customer, 0 otherwise.
    public var exportChargeback: UInt32 { relationship == .customer ? chargeback : 0 }

    /// The PRICE announced to this neighbour for a domain in `countries`, or nil when the
    /// contract does not cover it (the route is not exported). Only a customer's contract
    /// restricts or prices by country.
    public func exportPrice(countries: [Country]) -> UInt32? {
        guard relationship == .customer else { return 0 }
        return coverage.price(for: countries, defaultPrice: contractPrice)
    }
}

/// A route announced to one neighbour, ready to encode.
public struct OutboundUpdates: Sendable {
    public var neighbour: Int
    public var messages: [MXGPMessage]
}
