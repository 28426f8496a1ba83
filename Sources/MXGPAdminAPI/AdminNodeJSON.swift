import MXGPCore

/// One neighbour's session as the admin API shows it.
public struct PeerStatus: Codable, Sendable, Hashable {
    /// The neighbour's name.
    public var name: String
    /// The neighbour's operator number.
    public var operatorNumber: OperatorNumber
    /// `host:port` of the neighbour's MXGP listener (empty for passive-only neighbours).
    public var address: String
    /// What the neighbour is to this node.
    public var relationship: Relationship
    /// Session phase: Idle, Connect, Active, OpenSent, OpenConfirm, Established.
    public var state: String
    /// Seconds since the session became Established; nil when it is not.
    public var uptimeSeconds: Double?
    /// MXGP messages received on the session.
    public var messagesIn: Int
    /// MXGP messages sent on the session.
    public var messagesOut: Int
    /// UPDATEs received.
    public var updatesIn: Int
    /// UPDATEs sent.
    public var updatesOut: Int
    /// Domains currently received from the neighbour (Adj-RIB-In), and how many are eligible.
    public var routesReceived: Int
    /// How many of the received routes are eligible.
    public var routesAccepted: Int
    /// The last error (NOTIFICATION, failed handshake, connect failure), for people.
    public var lastError: String?
    /// True when the session runs over TLS.
    public var tls: Bool
    /// Why the session last went down (a NOTIFICATION's text, hold timer expiry…); unlike
    /// `lastError`, failed reconnect attempts afterwards do not replace it. Absent until it first went down.
    public var lastDown: String? = nil

    /// A session's status with every field given.
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
    /// The node's name.
    public var name: String
    /// The node's operator number.
    public var operatorNumber: OperatorNumber
    /// colo, upstream or tier1.
    public var role: NodeRole
    /// Where the node's mail originates.
    public var region: Region
    /// The domains the node originates.
    public var ownDomains: [DomainName]
    /// The mxgp version it runs.
    public var version: String
    /// Whether the node is overloaded and marks its routes DRAINING; absent when the node has
    /// no `overload:` config.
    public var overload: AdminOverload?

    /// Who a node is.
    public init(name: String, operatorNumber: OperatorNumber, role: NodeRole, region: Region, ownDomains: [DomainName], version: String) {
        self.name = name
        self.operatorNumber = operatorNumber
        self.role = role
        self.region = region
        self.ownDomains = ownDomains
        self.version = version
    }
}

/// `overload` of `GET /v1/node`: `{"draining": true, "sinceSeconds": 12.5, "why": "queue 612 > 500",
/// "queueDepth": 612, "acceptedPerMinute": 900, "tempfailsPerMinute": 0}`.
public struct AdminOverload: Codable, Sendable, Hashable {
    /// True while every exported route carries DRAINING.
    public var draining: Bool
    /// Seconds since the node last started or stopped draining; nil when it never did.
    public var sinceSeconds: Double?
    /// Why it drains (`queue 612 > 500`); nil when it does not.
    public var why: String?
    /// Queue depth at the last sample.
    public var queueDepth: Int
    /// Messages accepted in the last minute.
    public var acceptedPerMinute: Int
    /// 4xx answers given in the last minute.
    public var tempfailsPerMinute: Int

    /// An overload status with every field given.
    public init(draining: Bool, sinceSeconds: Double?, why: String?, queueDepth: Int, acceptedPerMinute: Int, tempfailsPerMinute: Int) {
        self.draining = draining
        self.sinceSeconds = sinceSeconds
        self.why = why
        self.queueDepth = queueDepth
        self.acceptedPerMinute = acceptedPerMinute
        self.tempfailsPerMinute = tempfailsPerMinute
    }
}
