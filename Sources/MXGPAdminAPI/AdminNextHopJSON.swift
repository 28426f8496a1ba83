/// `GET /v1/nexthops`: `{"nexthops": [NEXTHOP…]}`, one entry per configured neighbour,
/// sorted by name.
public struct AdminNextHops: Codable, Sendable, Hashable {
    /// Every configured neighbour as a next hop.
    public var nexthops: [AdminNextHop]
    /// The body with these next hops.
    public init(nexthops: [AdminNextHop]) { self.nexthops = nexthops }
}

/// One next hop as the data plane sees it: `{"neighbour": "up1", "state": "penalised",
/// "consecutiveFailures": 2, "lastError": "421 …", "lastErrorAt": "2025-01-01T10:00:00Z",
/// "penaltyLeftSeconds": 3, "messagesSent": 12, "bytesSent": 48000, "latencyP50Ms": 4.2,
/// "latencyP99Ms": 31.0, "firstChoiceFor": ["bob.example"]}`. Optional fields are written
/// as explicit nulls.
public struct AdminNextHop: Codable, Sendable, Hashable {
    /// The neighbour's name.
    public var neighbour: String
    /// `healthy`, `penalised` (recent failures: tried only after healthy next hops) or
    /// `down` (no established MXGP session).
    public var state: String
    /// Failures in a row since the last success (0 when healthy).
    public var consecutiveFailures: Int
    /// The last error sending to it, kept after it recovers; nil when none yet.
    public var lastError: String?
    /// ISO 8601 wall time of `lastError`.
    public var lastErrorAt: String?
    /// Whole seconds (rounded up) until the penalty ends; 0 when not penalised.
    public var penaltyLeftSeconds: Int
    /// Messages it accepted since the node started.
    public var messagesSent: Int
    /// Bytes of those messages.
    public var bytesSent: Int
    /// Median of its recent delivery latencies (attempt start to its answer to DATA), in milliseconds.
    public var latencyP50Ms: Double?
    /// 99th percentile of the same latencies, in milliseconds.
    public var latencyP99Ms: Double?
    /// The domains whose best route goes to it now, sorted.
    public var firstChoiceFor: [String]

    /// A next hop with every field given.
    public init(
        neighbour: String, state: String, consecutiveFailures: Int = 0, lastError: String? = nil, lastErrorAt: String? = nil,
        penaltyLeftSeconds: Int = 0, messagesSent: Int = 0, bytesSent: Int = 0, latencyP50Ms: Double? = nil, latencyP99Ms: Double? = nil,
        firstChoiceFor: [String] = []
    ) {
        self.neighbour = neighbour
        self.state = state
        self.consecutiveFailures = consecutiveFailures
        self.lastError = lastError
        self.lastErrorAt = lastErrorAt
        self.penaltyLeftSeconds = penaltyLeftSeconds
        self.messagesSent = messagesSent
        self.bytesSent = bytesSent
        self.latencyP50Ms = latencyP50Ms
        self.latencyP99Ms = latencyP99Ms
        self.firstChoiceFor = firstChoiceFor
    }

    enum CodingKeys: String, CodingKey {
        case neighbour, state, consecutiveFailures, lastError, lastErrorAt, penaltyLeftSeconds, messagesSent, bytesSent
        case latencyP50Ms, latencyP99Ms, firstChoiceFor
    }

    /// Encodes every field, optional ones as explicit nulls.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(neighbour, forKey: .neighbour)
        try c.encode(state, forKey: .state)
        try c.encode(consecutiveFailures, forKey: .consecutiveFailures)
        try c.encode(lastError, forKey: .lastError)
        try c.encode(lastErrorAt, forKey: .lastErrorAt)
        try c.encode(penaltyLeftSeconds, forKey: .penaltyLeftSeconds)
        try c.encode(messagesSent, forKey: .messagesSent)
        try c.encode(bytesSent, forKey: .bytesSent)
        try c.encode(latencyP50Ms, forKey: .latencyP50Ms)
        try c.encode(latencyP99Ms, forKey: .latencyP99Ms)
        try c.encode(firstChoiceFor, forKey: .firstChoiceFor)
    }
}

/// Whether the data plane would send to a route's next hop now, on the routes of
/// `GET /v1/routes/{domain}`: `{"usable": false, "state": "penalised", "penaltyLeftSeconds": 12,
/// "lastError": "421 4.3.2 overloaded"}`. A penalised next hop is still tried, but only after
/// every healthy one; a down one has no session.
public struct AdminRouteUsability: Codable, Sendable, Hashable {
    /// True when the next hop is `healthy`.
    public var usable: Bool
    /// The next hop's state: `healthy`, `penalised` or `down`.
    public var state: String
    /// Seconds (rounded up) the penalty has left, when penalised.
    public var penaltyLeftSeconds: Int?
    /// The error that penalised it, when penalised.
    public var lastError: String?

    /// A usability with every field given.
    public init(usable: Bool, state: String, penaltyLeftSeconds: Int? = nil, lastError: String? = nil) {
        self.usable = usable
        self.state = state
        self.penaltyLeftSeconds = penaltyLeftSeconds
        self.lastError = lastError
    }
}
