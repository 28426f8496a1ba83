/// The replies the mxgp server gives, worded the way common MTAs word them.
extension SMTPReply {
    private static func esc(_ c: Int, _ s: Int, _ d: Int) -> SMTPEnhancedStatusCode { SMTPEnhancedStatusCode(c, s, d) }

    /// `220 <host> ESMTP mxgp`: the greeting.
    public static func greeting(hostname: String) -> SMTPReply {
        SMTPReply(code: 220, "\(hostname) ESMTP mxgp")
    }

    /// The EHLO reply listing the extensions the server supports.
    public static func ehlo(hostname: String, clientName: String, maxMessageSize: Int, offerSTARTTLS: Bool) -> SMTPReply {
        var lines = ["\(hostname) greets \(clientName)", "PIPELINING", "SIZE \(maxMessageSize)", "8BITMIME", "ENHANCEDSTATUSCODES"]
        if offerSTARTTLS { lines.append("STARTTLS") }
        return SMTPReply(code: 250, lines: lines)
    }

    /// `250 <host>`: the HELO reply (no extensions).
    public static func helo(hostname: String) -> SMTPReply { SMTPReply(code: 250, hostname) }

    /// `250 2.1.0 Ok`: MAIL accepted.
    public static let senderOK = SMTPReply(code: 250, esc(2, 1, 0), "Ok")
    /// `250 2.1.5 Ok`: RCPT accepted.
    public static let recipientOK = SMTPReply(code: 250, esc(2, 1, 5), "Ok")
    /// `250 2.0.0 Ok`: RSET, NOOP.
    public static let ok = SMTPReply(code: 250, esc(2, 0, 0), "Ok")
    /// `354 End data with <CR><LF>.<CR><LF>`.
    public static let startMailInput = SMTPReply(code: 354, "End data with <CR><LF>.<CR><LF>")
    /// `250 2.0.0 Ok: queued as <id>`: the message is durable (custody taken).
    public static func queued(as id: String) -> SMTPReply { SMTPReply(code: 250, esc(2, 0, 0), "Ok: queued as \(id)") }
    /// `221 2.0.0 Bye`.
    public static let closing = SMTPReply(code: 221, esc(2, 0, 0), "Bye")
    /// `252 2.1.5 …`: VRFY refused politely (RFC 5321 §3.5.3).
    public static let cannotVerify = SMTPReply(
        code: 252, esc(2, 1, 5), "Cannot VRFY user, but will accept message and attempt delivery")
    /// `214 2.0.0 …`: HELP.
    public static let help = SMTPReply(
        code: 214, esc(2, 0, 0), "Commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY HELP STARTTLS")
    /// `220 2.0.0 Ready to start TLS`.
    public static let readyToStartTLS = SMTPReply(code: 220, esc(2, 0, 0), "Ready to start TLS")

    /// `500 5.5.2 Error: command not recognized` (or another syntax complaint).
    public static func syntaxError(_ text: String = "Error: command not recognized") -> SMTPReply {
        SMTPReply(code: 500, esc(5, 5, 2), text)
    }
    /// `500 5.5.2 Error: line too long`.
    public static let lineTooLong = SMTPReply(code: 500, esc(5, 5, 2), "Error: line too long")
    /// `554 5.6.0 Error: message has a line longer than 1000 octets` (RFC 5321 §4.5.3.1.6).
    public static let dataLineTooLong = SMTPReply(
        code: 554, esc(5, 6, 0), "Error: message content rejected: line too long")
    /// `501 5.5.4 <text>`: bad arguments.
    public static func badArguments(_ text: String) -> SMTPReply { SMTPReply(code: 501, esc(5, 5, 4), text) }
    /// `502 5.5.1 Error: command not implemented`.
    public static let notImplemented = SMTPReply(code: 502, esc(5, 5, 1), "Error: command not implemented")
    /// `503 5.5.1 Error: <text>`: bad sequence of commands.
    public static func badSequence(_ text: String) -> SMTPReply { SMTPReply(code: 503, esc(5, 5, 1), "Error: \(text)") }
    /// `552 5.3.4 Error: message size exceeds fixed maximum message size`.
    public static let messageTooBig = SMTPReply(
        code: 552, esc(5, 3, 4), "Error: message size exceeds fixed maximum message size")
    /// `550 5.7.1 <rcpt>: Relay access denied`.
    public static func relayDenied(_ recipient: SMTPForwardPath) -> SMTPReply {
        SMTPReply(code: 550, esc(5, 7, 1), "\(recipient): Relay access denied")
    }
    /// `421 4.3.2 <host> Service shutting down, closing transmission channel`.
    public static func shuttingDown(hostname: String) -> SMTPReply {
        SMTPReply(code: 421, esc(4, 3, 2), "\(hostname) Service shutting down, closing transmission channel")
    }
    /// `421 4.7.0 <host> Error: too many errors`.
    public static func tooManyErrors(hostname: String) -> SMTPReply {
        SMTPReply(code: 421, esc(4, 7, 0), "\(hostname) Error: too many errors")
    }
    /// `421 4.7.0 <host> Error: too many connections`: for the driver's connection limit.
    public static func tooManyConnections(hostname: String) -> SMTPReply {
        SMTPReply(code: 421, esc(4, 7, 0), "\(hostname) Error: too many connections, try again later")
    }
    /// `421 4.4.2 <host> Error: timeout exceeded`.
    public static func timeout(hostname: String) -> SMTPReply {
        SMTPReply(code: 421, esc(4, 4, 2), "\(hostname) Error: timeout exceeded")
    }
    /// `421 4.7.0 <host> Error: too many pipelined commands`.
    public static func pipelineOverflow(hostname: String) -> SMTPReply {
        SMTPReply(code: 421, esc(4, 7, 0), "\(hostname) Error: too many pipelined commands")
    }
    /// `451 4.3.0 Error: temporary failure, try again later` (e.g. the store failed).
    public static let temporaryFailure = SMTPReply(code: 451, esc(4, 3, 0), "Error: temporary failure, try again later")
    /// `452 4.5.3 Error: too many recipients`.
    public static let tooManyRecipients = SMTPReply(code: 452, esc(4, 5, 3), "Error: too many recipients")
    /// `554 5.5.0 Error: <text>`: transaction failed.
    public static func transactionFailed(_ text: String) -> SMTPReply { SMTPReply(code: 554, esc(5, 5, 0), "Error: \(text)") }
    /// `554 5.5.1 Error: no valid recipients`.
    public static let noValidRecipients = SMTPReply(code: 554, esc(5, 5, 1), "Error: no valid recipients")
    /// `530 5.7.0 Must issue a STARTTLS command first`.
    public static let mustStartTLS = SMTPReply(code: 530, esc(5, 7, 0), "Must issue a STARTTLS command first")
    /// `454 4.7.0 TLS not available due to temporary reason`.
    public static let tlsNotAvailable = SMTPReply(code: 454, esc(4, 7, 0), "TLS not available due to temporary reason")
    /// `555 5.5.4 Unsupported option: <param>`.
    public static func unsupportedParameter(_ parameter: String) -> SMTPReply {
        SMTPReply(code: 555, esc(5, 5, 4), "Unsupported option: \(parameter)")
    }
    /// `501 5.1.7 Bad sender address syntax`.
    public static let badSenderAddress = SMTPReply(code: 501, esc(5, 1, 7), "Bad sender address syntax")
    /// `501 5.1.3 Bad recipient address syntax`.
    public static let badRecipientAddress = SMTPReply(code: 501, esc(5, 1, 3), "Bad recipient address syntax")
}
