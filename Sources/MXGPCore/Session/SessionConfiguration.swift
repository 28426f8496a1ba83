/// Capped exponential backoff between outbound connection attempts.
///
/// The n-th consecutive failure waits `min(initial × 2ⁿ, cap)`, shortened by a
/// random fraction up to `jitter` (drawn from the seed given to the state machine,
/// so runs replay exactly). Once a session stayed Established for `resetAfter`,
/// the next failure starts over at `initial`.
public struct ReconnectBackoff: Hashable, Sendable {
    /// The first delay.
    public var initial: Duration
    /// The largest delay.
    public var cap: Duration
    /// How long a session must stay Established before the backoff starts over.
    public var resetAfter: Duration
    /// The largest fraction (0 ≤ jitter < 1) by which a delay is shortened at random.
    public var jitter: Double

    public init(initial: Duration, cap: Duration, resetAfter: Duration, jitter: Double = 0.25) {
        self.initial = initial
        self.cap = cap
        self.resetAfter = resetAfter
        self.jitter = min(max(jitter, 0), 0.99)
    }

    /// Production defaults: 1 s, 2 s, 4 s … capped at 30 s; reset after 60 s Established.
    public static let production = ReconnectBackoff(initial: .seconds(1), cap: .seconds(30), resetAfter: .seconds(60))

    /// Lab defaults: 100 ms, 200 ms … capped at 5 s; reset after 3 s Established.
    public static let lab = ReconnectBackoff(initial: .milliseconds(100), cap: .seconds(5), resetAfter: .seconds(3))
}

/// Everything one MXGP session needs to know about the local node and the neighbour.
public struct SessionConfiguration: Hashable, Sendable {
    /// Hold time of production configs (keepalive 30 s).
    public static let productionHoldTime: UInt16 = 90
    /// Hold time of lab configs (keepalive 1 s).
    public static let labHoldTime: UInt16 = 3

    /// This node's operator number.
    public var localOperator: OperatorNumber
    /// This node's name (sent in OPEN).
    public var nodeName: String
    /// This node's role (sent in OPEN).
    public var nodeRole: NodeRole
    /// This node's region (sent in OPEN).
    public var region: Region
    /// The operator number the neighbour must announce in its OPEN.
    public var neighbourOperator: OperatorNumber
    /// What the neighbour is to this node (`.customer`: the neighbour is my customer).
    /// This node announces the complement as its own role; the neighbour must announce exactly this.
    public var neighbourRelationship: Relationship
    /// Proposed hold time in seconds: 0 (disabled) or at least 3.
    public var holdTime: UInt16
    /// Fast-liveness interval in milliseconds to offer (≥ 10), or nil to not offer it.
    public var fastLivenessMilliseconds: UInt16?
    /// Backoff between outbound connection attempts.
    public var reconnect: ReconnectBackoff
    /// When true the node never connects out; it only accepts the neighbour's connections.
    public var passive: Bool

    public init(
        localOperator: OperatorNumber, nodeName: String, nodeRole: NodeRole, region: Region,
        neighbourOperator: OperatorNumber, neighbourRelationship: Relationship,
        holdTime: UInt16 = SessionConfiguration.productionHoldTime, fastLivenessMilliseconds: UInt16? = nil,
        reconnect: ReconnectBackoff = .production, passive: Bool = false
    ) {
        self.localOperator = localOperator
        self.nodeName = nodeName
        self.nodeRole = nodeRole
        self.region = region
        self.neighbourOperator = neighbourOperator
        self.neighbourRelationship = neighbourRelationship
        self.holdTime = holdTime
        self.fastLivenessMilliseconds = fastLivenessMilliseconds
        self.reconnect = reconnect
        self.passive = passive
    }

    /// This node's role toward the neighbour, as announced in OPEN.
    public var localRole: Relationship { neighbourRelationship.complement }

    /// The OPEN this node sends to the neighbour.
    public var localOpen: OpenMessage {
        var capabilities: [Capability] = [.routeRefresh]
        if let ms = fastLivenessMilliseconds { capabilities.append(.fastLiveness(intervalMilliseconds: ms)) }
        return OpenMessage(
            operatorNumber: localOperator, holdTime: holdTime, role: localRole, nodeRole: nodeRole,
            region: region, nodeName: nodeName, capabilities: capabilities)
    }

    /// The hold time used while waiting for the neighbour's OPEN: the local proposal,
    /// or 240 s when hold timers are disabled (so a silent connection cannot hang forever).
    var openSentHoldTime: Duration { holdTime == 0 ? .seconds(240) : .seconds(Int(holdTime)) }
}
