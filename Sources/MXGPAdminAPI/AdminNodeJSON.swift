import MXGPCore

/// One neighbour's session as the admin API shows it.
public struct PeerStatus: Codable, Sendable, Hashable {
    public var name: String
    public var operatorNumber: OperatorNumber
    /// `host:port` of the neighbour's MXGP listener (empty for passive-only neighbours).
    public var address: String
    /// What the neighbour is to this node.
    public var relationship: Relationship
    /// Session phase: Idle, Connect, Active, OpenSent, OpenConfirm, Established.
    public var state: String
    /// Seconds since the session became Established; nil when it is not.
    public var uptimeSeconds: Double?
    public var messagesIn: Int
    public var messagesOut: Int
    public var updatesIn: Int
    public var updatesOut: Int
    /// Domains currently received from the neighbour (Adj-RIB-In), and how many are eligible.
    public var routesReceived: Int
    public var routesAccepted: Int
    /// The last error (NOTIFICATION, failed handshake, connect failure), for people.
    public var lastError: String?
    /// True when the session runs over TLS.
    public var tls: Bool

    public init(
        name: String, operatorNumber: OperatorNumber, address: String, relationship: Relationship, state: String,
        uptimeSeconds: Double? = nil, messagesIn: Int = 0, messagesOut: Int = 0, updatesIn: Int = 0, updatesOut: Int = 0,
        routesReceived: Int = 0, routesAccepted: Int = 0, lastError: String? = nil, tls: Bool = false
    ) {
        self.name = name
        self.operatorNumber = operatorNumber
        self.address = address
        self.relationship = relationship
        self.state = state
        self.uptimeSeconds = uptimeSeconds
        self.messagesIn = messagesIn
        self.messagesOut = messagesOut
        self.updatesIn = updatesIn
        self.updatesOut = updatesOut
        self.routesReceived = routesReceived
        self.routesAccepted = routesAccepted
        self.lastError = lastError
        self.tls = tls
    }
}

/// Who the node is, for the admin API.
public struct NodeInfo: Codable, Sendable, Hashable {
    public var name: String
    public var operatorNumber: OperatorNumber
    public var role: NodeRole
    public var region: Region
    public var ownDomains: [DomainName]
    public var version: String

    public init(name: String, operatorNumber: OperatorNumber, role: NodeRole, region: Region, ownDomains: [DomainName], version: String) {
        self.name = name
        self.operatorNumber = operatorNumber
        self.role = role
        self.region = region
        self.ownDomains = ownDomains
        self.version = version
    }
}
