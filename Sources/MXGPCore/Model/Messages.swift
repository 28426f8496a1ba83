/// The MXGP protocol version this implementation speaks.
public let mxgpVersion: UInt8 = 1

/// Default TCP port of MXGP sessions.
public let mxgpDefaultPort = 1790

/// A capability advertised in OPEN.
public enum Capability: Hashable, Sendable {
    /// The sender understands ROUTE-REFRESH.
    case routeRefresh
    /// The sender runs fast liveness: KEEPALIVEs every `intervalMilliseconds` (100–300 ms typical).
    case fastLiveness(intervalMilliseconds: UInt16)
    /// The largest message the sender accepts.
    case maximumMessageSize(UInt32)
    /// A capability this implementation does not know (ignored, kept for display).
    case unknown(code: UInt8, value: [UInt8])
}

/// OPEN: the first message on a session.
public struct OpenMessage: Hashable, Sendable {
    public var version: UInt8
    public var operatorNumber: OperatorNumber
    /// Proposed hold time in seconds (0 or ≥ 3; 0 disables hold timers).
    public var holdTime: UInt16
    /// The sender's own role toward the receiver (RFC 9234 semantics).
    public var role: Relationship
    /// The sender's node role (colo, upstream, tier1).
    public var nodeRole: NodeRole
    public var region: Region
    public var nodeName: String
    public var capabilities: [Capability]

    public init(
        version: UInt8 = mxgpVersion, operatorNumber: OperatorNumber, holdTime: UInt16, role: Relationship,
        nodeRole: NodeRole, region: Region, nodeName: String, capabilities: [Capability] = [.routeRefresh]
    ) {
        self.version = version
        self.operatorNumber = operatorNumber
        self.holdTime = holdTime
        self.role = role
        self.nodeRole = nodeRole
        self.region = region
        self.nodeName = nodeName
        self.capabilities = capabilities
    }

    /// The fast-liveness interval the sender offers, if any.
    public var fastLivenessInterval: UInt16? {
        for case .fastLiveness(let ms) in capabilities { return ms }
        return nil
    }

    /// True if the sender supports ROUTE-REFRESH.
    public var supportsRouteRefresh: Bool { capabilities.contains(.routeRefresh) }
}

/// UPDATE: withdrawn domains, and announced domains sharing one set of path attributes.
public struct UpdateMessage: Hashable, Sendable {
    public var withdrawn: [DomainName]
    /// Attributes of the announced domains; nil when the update only withdraws.
    public var attributes: PathAttributes?
    public var announced: [DomainName]
    /// Set by the decoder when a malformed attribute turned the announcement into a withdraw
    /// ("treat as withdraw"); carries the reason for logs.
    public var treatedAsWithdraw: String?

    public init(withdrawn: [DomainName] = [], attributes: PathAttributes? = nil, announced: [DomainName] = [], treatedAsWithdraw: String? = nil) {
        self.withdrawn = withdrawn
        self.attributes = attributes
        self.announced = announced
        self.treatedAsWithdraw = treatedAsWithdraw
    }
}

/// NOTIFICATION: an error or a cease; the sender closes the connection after it.
public struct NotificationMessage: Hashable, Sendable, Error, CustomStringConvertible {
    public var code: NotificationCode
    public var subcode: UInt8
    /// Human-readable reason, UTF-8, at most 1024 bytes.
    public var text: String

    public init(code: NotificationCode, subcode: UInt8 = 0, text: String) {
        self.code = code
        self.subcode = subcode
        self.text = text
    }

    public var description: String { "\(code) (\(code.rawValue)/\(subcode)): \(text)" }
}

/// NOTIFICATION error codes (modelled on BGP, RFC 4271 §4.5).
public enum NotificationCode: UInt8, Sendable, Hashable, CustomStringConvertible {
    case messageHeaderError = 1
    case openMessageError = 2
    case updateMessageError = 3
    case holdTimerExpired = 4
    case finiteStateMachineError = 5
    case cease = 6
    case routeRefreshError = 7
    case reportError = 8

    public var description: String {
        switch self {
        case .messageHeaderError: return "message header error"
        case .openMessageError: return "OPEN error"
        case .updateMessageError: return "UPDATE error"
        case .holdTimerExpired: return "hold timer expired"
        case .finiteStateMachineError: return "state machine error"
        case .cease: return "cease"
        case .routeRefreshError: return "ROUTE-REFRESH error"
        case .reportError: return "REPORT error"
        }
    }
}

/// Subcodes of `messageHeaderError`.
public enum HeaderErrorSubcode: UInt8, Sendable {
    case badLength = 1
    case badType = 2
    case badMarker = 3
}

/// Subcodes of `openMessageError`.
public enum OpenErrorSubcode: UInt8, Sendable {
    case unsupportedVersion = 1
    case badOperator = 2
    case unacceptableHoldTime = 3
    case roleMismatch = 4
    case malformed = 5
    case badCertificate = 6
}

/// Subcodes of `updateMessageError`.
public enum UpdateErrorSubcode: UInt8, Sendable {
    case malformed = 1
    case badDomain = 2
    case missingAttribute = 3
    case tooManyDomains = 4
}

/// Subcodes of `cease` (RFC 4486 style).
public enum CeaseSubcode: UInt8, Sendable {
    case maximumDomainsReached = 1
    case administrativeShutdown = 2
    case peerDeconfigured = 3
    case administrativeReset = 4
    case connectionRejected = 5
    case configurationChange = 6
    case connectionCollision = 7
}

/// REPORT: a spam complaint travelling back along the path a message took.
public struct ReportMessage: Hashable, Sendable {
    /// Message-ID of the reported message (without angle brackets).
    public var messageID: String
    /// Operator that filed the complaint (the receiving colo).
    public var reporter: OperatorNumber
    /// Operators the message crossed, first relay first, receiver last.
    public var path: [OperatorNumber]
    /// Free text reason.
    public var reason: String

    public init(messageID: String, reporter: OperatorNumber, path: [OperatorNumber], reason: String) {
        self.messageID = messageID
        self.reporter = reporter
        self.path = path
        self.reason = reason
    }
}

/// One MXGP message.
public enum MXGPMessage: Hashable, Sendable {
    case open(OpenMessage)
    case keepalive
    case update(UpdateMessage)
    case notification(NotificationMessage)
    case routeRefresh
    case endOfRIB
    case report(ReportMessage)

    /// The message type code in the header.
    public var typeCode: UInt8 {
        switch self {
        case .open: return MessageType.open.rawValue
        case .keepalive: return MessageType.keepalive.rawValue
        case .update: return MessageType.update.rawValue
        case .notification: return MessageType.notification.rawValue
        case .routeRefresh: return MessageType.routeRefresh.rawValue
        case .endOfRIB: return MessageType.endOfRIB.rawValue
        case .report: return MessageType.report.rawValue
        }
    }
}

/// Message type codes.
public enum MessageType: UInt8, Sendable, CaseIterable {
    case open = 1
    case update = 2
    case notification = 3
    case keepalive = 4
    case routeRefresh = 5
    case endOfRIB = 6
    case report = 7
}

/// Path attribute type codes.
public enum AttributeType: UInt8, Sendable, CaseIterable {
    case operatorPath = 1
    case nextHop = 2
    case price = 3
    case onlyToCustomer = 4
    case communities = 5
    case regionPolicy = 6
    case originProof = 7
    case draining = 8
    case chargeback = 9
}

/// Path attribute flag bits.
public enum AttributeFlags {
    /// Optional (unknown optional attributes are passed on; unknown well-known ones are an error).
    public static let optional: UInt8 = 0x80
    /// Transitive (passed on to other operators).
    public static let transitive: UInt8 = 0x40
}
