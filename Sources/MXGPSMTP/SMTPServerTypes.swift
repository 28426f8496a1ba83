/// Limits and capabilities of an `SMTPServerSession`.
public struct SMTPServerConfiguration: Sendable, Hashable {
    /// The name in the greeting and the EHLO reply (the node's name).
    public var hostname: String
    /// Largest message in octets (after un-dot-stuffing, with CRLF line endings); announced as SIZE.
    public var maxMessageSize: Int
    /// Most accepted recipients per transaction; more get 452 4.5.3.
    public var maxRecipients: Int
    /// Longest command line in octets including CRLF (RFC 5321: 512).
    public var maxCommandLineLength: Int
    /// Longest DATA line in octets including CRLF (RFC 5321: 1000); longer lines spoil the message.
    public var maxDataLineLength: Int
    /// Consecutive failed commands (5xx for syntax or sequence) before 421 and close.
    public var maxConsecutiveErrors: Int
    /// Lines buffered while a decision is pending (PIPELINING); beyond that 421 and close.
    public var maxPipelinedLines: Int
    /// True if the driver can do TLS (a certificate is configured): STARTTLS is offered.
    public var tlsAvailable: Bool
    /// True if MAIL is refused (530 5.7.0) until TLS is active.
    public var tlsRequired: Bool

    /// Creates a configuration; defaults follow RFC 5321 minimums and common MTAs.
    public init(
        hostname: String, maxMessageSize: Int = 10 * 1024 * 1024, maxRecipients: Int = 100,
        maxCommandLineLength: Int = 512, maxDataLineLength: Int = 1000, maxConsecutiveErrors: Int = 10,
        maxPipelinedLines: Int = 256, tlsAvailable: Bool = false, tlsRequired: Bool = false
    ) {
        self.hostname = hostname
        self.maxMessageSize = maxMessageSize
        self.maxRecipients = maxRecipients
        self.maxCommandLineLength = maxCommandLineLength
        self.maxDataLineLength = maxDataLineLength
        self.maxConsecutiveErrors = maxConsecutiveErrors
        self.maxPipelinedLines = maxPipelinedLines
        self.tlsAvailable = tlsAvailable
        self.tlsRequired = tlsRequired
    }
}

/// Identifies one decision the server session asked its driver for; answers carrying an
/// old id are ignored.
public struct SMTPDecisionID: Hashable, Sendable, CustomStringConvertible {
    /// The sequence number within the session.
    public let rawValue: UInt64
    /// Creates an id.
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public var description: String { "decision-\(rawValue)" }
}

/// The envelope of a received message (RFC 5321 §2.3.1).
public struct SMTPEnvelope: Hashable, Sendable {
    /// The name the client gave in EHLO/HELO.
    public var helo: String
    /// MAIL FROM.
    public var reversePath: SMTPReversePath
    /// The accepted RCPT TO paths, in order, without duplicates.
    public var recipients: [SMTPForwardPath]
    /// MAIL FROM parameters (declared SIZE and BODY).
    public var parameters: SMTPMailParameters
    /// True if the message came over TLS.
    public var tls: Bool

    /// Creates an envelope.
    public init(
        helo: String = "", reversePath: SMTPReversePath, recipients: [SMTPForwardPath],
        parameters: SMTPMailParameters = SMTPMailParameters(), tls: Bool = false
    ) {
        self.helo = helo
        self.reversePath = reversePath
        self.recipients = recipients
        self.parameters = parameters
        self.tls = tls
    }
}

/// A recipient the driver must accept or refuse (relay control, mailbox existence).
public struct SMTPRecipientCheck: Hashable, Sendable {
    /// Answer with this id.
    public let id: SMTPDecisionID
    /// The RCPT TO path.
    public let recipient: SMTPForwardPath
    /// The transaction's MAIL FROM.
    public let reversePath: SMTPReversePath
    /// The client's EHLO/HELO name.
    public let helo: String
    /// True if the session is under TLS.
    public let tls: Bool
    /// The SIZE the client declared on MAIL (RFC 1870), if any: the driver may refuse a
    /// recipient with 552 5.3.4 when it is above the limit for this client.
    public var declaredSize: Int? = nil
}

/// The driver's answer to `SMTPServerAction.checkRecipient`.
public enum SMTPRecipientDecision: Hashable, Sendable {
    /// `250 2.1.5 Ok`.
    case accept
    /// Refuse with `550 5.7.1 <rcpt>: Relay access denied`.
    case relayDenied
    /// Refuse with this reply (4xx or 5xx).
    case reject(SMTPReply)
}

/// What the driver of an `SMTPServerSession` must do, in order.
public enum SMTPServerAction: Hashable, Sendable {
    /// Write the reply's `rendered` bytes.
    case send(SMTPReply)
    /// Close the connection (after writing what came before).
    case close
    /// Start TLS on the connection now (after writing the 220), discarding any bytes already
    /// buffered in plaintext; then call `tlsEstablished()`.
    case startTLS
    /// Decide on a recipient; answer with `recipientDecision(_:_:)`.
    case checkRecipient(SMTPRecipientCheck)
    /// Store the message durably (data has CRLF line endings, un-dot-stuffed), then call
    /// `messageStored(_:queueID:)` or `storeFailed(_:reply:)`. The client gets its 250 only then.
    case deliver(SMTPEnvelope, [UInt8], SMTPDecisionID)
}

/// Where a server session is, for logs and metrics.
public enum SMTPServerPhase: String, Hashable, Sendable {
    /// Not yet connected.
    case idle
    /// Greeting sent, waiting for EHLO/HELO.
    case greeting
    /// After EHLO/HELO, no transaction.
    case ready
    /// After MAIL, no recipient accepted yet.
    case mail
    /// At least one recipient accepted.
    case rcpt
    /// Receiving the message after 354.
    case data
    /// Waiting for the driver's decision (recipient or store).
    case awaitingDecision
    /// 220 sent to STARTTLS; waiting for the handshake.
    case startingTLS
    /// Closed.
    case closed
}
