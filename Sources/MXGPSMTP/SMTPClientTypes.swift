/// When the client uses STARTTLS.
public enum SMTPClientTLSPolicy: String, Hashable, Sendable {
    /// Never, even if offered.
    case never
    /// If the server offers it; carry on in plaintext if it is not offered or fails.
    case opportunistic
    /// Always: defer the message if the server does not offer it or it fails.
    case required
}

/// Settings of an `SMTPClientSession`.
public struct SMTPClientConfiguration: Hashable, Sendable {
    /// The name sent in EHLO/HELO (the node's name).
    public var heloName: SMTPHost
    /// When to use STARTTLS.
    public var tls: SMTPClientTLSPolicy
    /// Batch MAIL and RCPTs when the server offers PIPELINING (RFC 2920).
    public var usePipelining: Bool

    /// Creates a configuration.
    public init(heloName: SMTPHost, tls: SMTPClientTLSPolicy = .opportunistic, usePipelining: Bool = true) {
        self.heloName = heloName
        self.tls = tls
        self.usePipelining = usePipelining
    }
}

/// Why a delivery is deferred: the server's 4xx reply, or what went wrong locally.
public enum SMTPDeferral: Hashable, Sendable, CustomStringConvertible {
    /// The server answered with this reply (usually 4xx, or an unexpected code).
    case reply(SMTPReply)
    /// No usable reply: connection closed, timeout, malformed reply, TLS required but not offered.
    case reason(String)

    public var description: String {
        switch self {
        case .reply(let reply): return reply.description
        case .reason(let reason): return reason
        }
    }
}

/// The result of a delivery attempt for one recipient or for the message as a whole.
public enum SMTPDeliveryStatus: Hashable, Sendable {
    /// The next hop took custody (250 to DATA): remove it from the queue.
    case delivered(SMTPReply)
    /// Try again later or by another route.
    case deferred(SMTPDeferral)
    /// Permanently refused (5xx): send a DSN to the sender.
    case bounced(SMTPReply)

    /// Classifies a failure reply: 5xx bounces, everything else defers.
    static func failure(_ reply: SMTPReply) -> SMTPDeliveryStatus {
        reply.isPermanent ? .bounced(reply) : .deferred(.reply(reply))
    }
}

/// What happened to one recipient.
public struct SMTPRecipientResult: Hashable, Sendable {
    /// The recipient.
    public let recipient: SMTPForwardPath
    /// The reply to its RCPT TO, if one was received.
    public let rcptReply: SMTPReply?
    /// The final status: the DATA outcome for accepted recipients, the RCPT failure otherwise.
    public let status: SMTPDeliveryStatus

    /// Creates a result (drivers use it to report attempts that never reached a session).
    public init(recipient: SMTPForwardPath, rcptReply: SMTPReply?, status: SMTPDeliveryStatus) {
        self.recipient = recipient
        self.rcptReply = rcptReply
        self.status = status
    }
}

/// The outcome of an `SMTPClientSession`.
public struct SMTPClientOutcome: Hashable, Sendable {
    /// One result per recipient, in the envelope's order.
    public let recipients: [SMTPRecipientResult]
    /// The message's outcome: the reply to the final `.` if DATA was sent, otherwise why not.
    public let data: SMTPDeliveryStatus
    /// True if the transaction ran under TLS.
    public let tls: Bool

    /// Creates an outcome (drivers use it to report attempts that never reached a session).
    public init(recipients: [SMTPRecipientResult], data: SMTPDeliveryStatus, tls: Bool) {
        self.recipients = recipients
        self.data = data
        self.tls = tls
    }
}

/// What the driver of an `SMTPClientSession` must do, in order.
public enum SMTPClientAction: Hashable, Sendable {
    /// Write these bytes.
    case send([UInt8])
    /// Start the TLS handshake now, then call `tlsEstablished()` (or `closed()` if it fails).
    case startTLS
    /// Close the connection.
    case close
    /// The delivery attempt is over; reported exactly once.
    case finished(SMTPClientOutcome)
}
