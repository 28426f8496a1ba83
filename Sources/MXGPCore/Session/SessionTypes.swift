/// Identifies one transport connection of a session.
///
/// Outbound ids are chosen by the state machine (in `SessionAction.connect`);
/// inbound ids are chosen by the driver when it accepts a connection. The
/// direction is part of the id, so the two numbering spaces never collide.
public struct ConnectionID: Hashable, Sendable, CustomStringConvertible {
    /// Who opened the connection.
    public enum Direction: String, Hashable, Sendable {
        /// The neighbour connected to this node.
        case inbound
        /// This node connected to the neighbour.
        case outbound
    }

    public var direction: Direction
    public var number: UInt64

    public init(_ direction: Direction, _ number: UInt64) {
        self.direction = direction
        self.number = number
    }

    /// An id for a connection the neighbour opened (numbered by the driver).
    public static func inbound(_ number: UInt64) -> ConnectionID { ConnectionID(.inbound, number) }

    /// An id for a connection this node opened (numbered by the state machine).
    public static func outbound(_ number: UInt64) -> ConnectionID { ConnectionID(.outbound, number) }

    public var description: String { "\(direction.rawValue)#\(number)" }
}

/// The timers a session asks its driver to run. Arming a timer that is already
/// armed replaces its deadline.
public enum SessionTimer: Hashable, Sendable {
    /// When to try the next outbound connection.
    case connectRetry
    /// When the connection is declared dead unless a message arrived meanwhile.
    case hold(ConnectionID)
    /// When to send the next KEEPALIVE on the connection.
    case keepalive(ConnectionID)
}

/// The externally visible state of a session, named as in RFC 4271.
public enum SessionPhase: String, Hashable, Sendable, CustomStringConvertible {
    /// Administratively stopped.
    case idle
    /// An outbound connection attempt is in flight.
    case connect
    /// Waiting: for the connect-retry timer, or (passive sessions) for the neighbour to connect.
    case active
    /// Connected and OPEN sent; waiting for the neighbour's OPEN.
    case openSent
    /// OPENs exchanged and accepted; waiting for the neighbour's first KEEPALIVE.
    case openConfirm
    /// The session is up: routes flow.
    case established

    public var description: String {
        switch self {
        case .idle: return "Idle"
        case .connect: return "Connect"
        case .active: return "Active"
        case .openSent: return "OpenSent"
        case .openConfirm: return "OpenConfirm"
        case .established: return "Established"
        }
    }
}

/// The parameters both sides agreed on in the OPEN exchange.
public struct NegotiatedSession: Hashable, Sendable {
    /// The connection the session runs on.
    public var connection: ConnectionID
    /// The OPEN the neighbour sent (operator, node name, region, roles, capabilities).
    public var peerOpen: OpenMessage
    /// Negotiated hold time in seconds: the smaller of both proposals; 0 disables hold timers.
    public var holdTime: UInt16
    /// How often this node sends KEEPALIVE while established; nil when liveness is disabled.
    public var keepaliveInterval: Duration?
    /// How long the neighbour may stay silent while established before the session
    /// goes down (the hold time, or 3 × the fast-liveness interval); nil when disabled.
    public var livenessTimeout: Duration?
    /// The fast-liveness interval, when both sides offered fast liveness (the larger offer).
    public var fastLivenessInterval: Duration?
    /// True when the neighbour understands ROUTE-REFRESH.
    public var routeRefresh: Bool

    public init(
        connection: ConnectionID, peerOpen: OpenMessage, holdTime: UInt16, keepaliveInterval: Duration?,
        livenessTimeout: Duration?, fastLivenessInterval: Duration?, routeRefresh: Bool
    ) {
        self.connection = connection
        self.peerOpen = peerOpen
        self.holdTime = holdTime
        self.keepaliveInterval = keepaliveInterval
        self.livenessTimeout = livenessTimeout
        self.fastLivenessInterval = fastLivenessInterval
        self.routeRefresh = routeRefresh
    }

    /// The hold time as a duration; nil when disabled.
    public var holdDuration: Duration? { holdTime == 0 ? nil : .seconds(Int(holdTime)) }
}

/// Why a session (or one connection's handshake) ended.
public struct SessionDownReason: Hashable, Sendable, CustomStringConvertible {
    /// What ended it.
    public enum Cause: String, Hashable, Sendable {
        /// `stop` was called on this node.
        case administrativeStop
        /// This node sent a NOTIFICATION (a protocol error, an expired hold timer, a collision).
        case notificationSent
        /// The neighbour sent a NOTIFICATION.
        case notificationReceived
        /// The transport closed without a NOTIFICATION.
        case transportClosed
    }

    public var cause: Cause
    /// The NOTIFICATION sent or received, if there was one.
    public var notification: NotificationMessage?
    /// A human-readable sentence; includes the NOTIFICATION text when there was one.
    public var text: String

    public init(cause: Cause, notification: NotificationMessage? = nil, text: String) {
        self.cause = cause
        self.notification = notification
        self.text = text
    }

    public var description: String { text }
}

/// What the driver must do after an event. Handle actions in order.
public enum SessionAction: Hashable, Sendable {
    /// Open an outbound TCP (and TLS) connection to the neighbour, tagged with this id.
    /// Report the outcome with `transportConnected` or `connectFailed`.
    case connect(ConnectionID)
    /// Write this message on the connection.
    case send(MXGPMessage, on: ConnectionID)
    /// Flush pending writes, then close the connection (or abandon it if still connecting).
    /// Do not report a `transportClosed` for it afterwards (it is ignored if you do).
    case close(ConnectionID)
    /// Fire `timerFired(timer, now:)` at `deadline` (same epoch as `now`); replaces an armed deadline.
    case armTimer(SessionTimer, deadline: Duration)
    /// Disarm the timer.
    case cancelTimer(SessionTimer)
    /// The session reached Established with these parameters: start sending routes.
    case sessionEstablished(NegotiatedSession)
    /// An established session ended: withdraw every route learned from the neighbour.
    case sessionDown(SessionDownReason)
    /// A connection failed before reaching Established (for logs and status).
    case handshakeFailed(ConnectionID, SessionDownReason)
    /// Pass this UPDATE to the routing engine.
    case deliverUpdate(UpdateMessage)
    /// The neighbour asked for the full Adj-RIB-Out again.
    case routeRefreshRequested
    /// The neighbour finished its initial table transfer.
    case endOfRIBReceived
    /// Pass this spam complaint to the ledger.
    case reportReceived(ReportMessage)
}
