/// The client side of one delivery attempt to the next hop (RFC 5321 §3.3).
///
/// Drives greeting → EHLO (HELO if EHLO is refused) → STARTTLS (per policy) → MAIL → RCPT…
/// → DATA → the dot-stuffed body → QUIT. With PIPELINING, MAIL and all RCPTs go out in one
/// write and DATA after their replies. Pure: the driver parses replies with `SMTPReplyParser`,
/// reports them and performs the actions in order. `.finished` is reported exactly once;
/// a 421, a close or a timeout defers every recipient not yet done.
///
/// Connection reuse: a session created with `keepOpen` does not QUIT after a delivered
/// message but stays open (`reusableConnection`); the next transaction on that connection
/// is a session created with `init(continuing:…)`, which starts with RSET (`resume()`) and
/// goes on to MAIL only after its 250. If the kept connection went stale (RSET refused,
/// closed, timed out), `failedToResume` says the message was never offered: retry it on a
/// fresh connection. Any failure ends the connection with QUIT, never back to reuse.
public struct SMTPClientSession: Sendable {
    /// The configuration the session was created with.
    public let configuration: SMTPClientConfiguration
    /// MAIL FROM.
    public let reversePath: SMTPReversePath
    /// RCPT TO, in order.
    public let recipients: [SMTPForwardPath]
    private let message: [UInt8]
    /// Keep the connection open after a delivered message instead of sending QUIT.
    public let keepOpen: Bool
    private var state: State = .idle
    private var tlsActive = false
    private var extensions = Extensions()
    /// Whether this session continues a kept connection (starts with RSET).
    private let continuing: Bool
    /// The session ended before its transaction began, while resuming a kept connection.
    public private(set) var failedToResume = false
    private var rcptReplies: [SMTPReply?]
    private var statuses: [SMTPDeliveryStatus?]

    struct Extensions: Sendable, Hashable {
        var pipelining = false
        var startTLS = false
        var eightBitMIME = false
        var size: Int?
    }

    private enum Step: Sendable {
        case mail
        case rcpt(Int)
    }

    private enum State: Sendable {
        case idle
        case greeting
        case ehlo
        case helo
        case startTLS
        case tlsHandshake
        /// A continued connection: RSET sent, waiting for its 250.
        case resetting
        case envelope(awaiting: [Step], unsent: [Step], mailReply: SMTPReply?)
        case dataCommand
        case dataBody
        /// The message was delivered and the connection is kept open for another transaction.
        case ready
        case quitting
        case done
    }

    /// Creates a session delivering `message` (any line endings; it is normalised to CRLF and
    /// dot-stuffed when sent) from `reversePath` to `recipients`. With `keepOpen`, a delivered
    /// message leaves the connection open for another transaction (`reusableConnection`).
    public init(
        configuration: SMTPClientConfiguration, reversePath: SMTPReversePath, recipients: [SMTPForwardPath],
        message: [UInt8], keepOpen: Bool = false
    ) {
        self.init(configuration: configuration, reversePath: reversePath, recipients: recipients, message: message, keepOpen: keepOpen, continuing: nil)
    }

    /// Creates a session for the next transaction on a connection an earlier session kept
    /// open (its `reusableConnection`); drive it with `resume()` instead of `connected()`.
    /// It keeps the connection open again after a delivered message.
    public init(continuing connection: SMTPClientConnection, reversePath: SMTPReversePath, recipients: [SMTPForwardPath], message: [UInt8]) {
        self.init(
            configuration: connection.configuration, reversePath: reversePath, recipients: recipients, message: message, keepOpen: true,
            continuing: connection)
    }

    private init(
        configuration: SMTPClientConfiguration, reversePath: SMTPReversePath, recipients: [SMTPForwardPath], message: [UInt8],
        keepOpen: Bool, continuing connection: SMTPClientConnection?
    ) {
        self.configuration = configuration
        self.reversePath = reversePath
        self.recipients = recipients
        self.message = message
        self.keepOpen = keepOpen
        self.continuing = connection != nil
        self.tlsActive = connection?.tls ?? false
        self.extensions = connection?.extensions ?? Extensions()
        self.rcptReplies = Array(repeating: nil, count: recipients.count)
        self.statuses = Array(repeating: nil, count: recipients.count)
    }

    /// The open connection, once a `keepOpen` session delivered its message (nil otherwise).
    public var reusableConnection: SMTPClientConnection? {
        guard case .ready = state else { return nil }
        return SMTPClientConnection(configuration: configuration, tls: tlsActive, extensions: extensions)
    }

    /// True once the outcome has been reported.
    public var isFinished: Bool {
        switch state {
        case .ready, .quitting, .done: return true
        default: return false
        }
    }

    // MARK: - Events

    /// The TCP connection is up: waits for the greeting.
    public mutating func connected() -> [SMTPClientAction] {
        guard case .idle = state else { return [] }
        state = .greeting
        return []
    }

    /// A continued session starts on its kept connection: sends RSET.
    public mutating func resume() -> [SMTPClientAction] {
        guard case .idle = state, continuing else { return [] }
        state = .resetting
        return [.send(SMTPCommand.rset.rendered)]
    }

    /// Ends a kept connection that is no longer wanted (idle too long, pool full): QUIT.
    public mutating func quit() -> [SMTPClientAction] {
        guard case .ready = state else { return [] }
        state = .quitting
        return [.send(SMTPCommand.quit.rendered)]
    }

    /// The TLS handshake requested by `.startTLS` completed: EHLO again.
    public mutating func tlsEstablished() -> [SMTPClientAction] {
        guard case .tlsHandshake = state else { return [] }
        tlsActive = true
        extensions = Extensions()
        state = .ehlo
        return [.send(SMTPCommand.ehlo(configuration.heloName).rendered)]
    }

    /// The connection closed (or TLS failed): defers whatever is not done.
    public mutating func closed() -> [SMTPClientAction] {
        noteResumeFailure()
        switch state {
        case .done: return []
        case .ready, .quitting:
            state = .done
            return []
        default:
            let outcome = deferRemaining(.reason("connection closed \(stage)"))
            state = .done
            return [.finished(outcome)]
        }
    }

    /// The driver's timer for the current step fired: defers whatever is not done and closes.
    public mutating func timeout() -> [SMTPClientAction] {
        noteResumeFailure()
        switch state {
        case .done: return []
        case .ready, .quitting:
            state = .done
            return [.close]
        default:
            let outcome = deferRemaining(.reason("timed out \(stage)"))
            state = .done
            return [.close, .finished(outcome)]
        }
    }

    /// The server sent bytes that are not a reply: defers whatever is not done and closes.
    public mutating func malformedReply(_ error: SMTPReplyParseError) -> [SMTPClientAction] {
        guard !isFinished else { return timeout() }
        noteResumeFailure()
        let outcome = deferRemaining(.reason("\(error) \(stage)"))
        state = .done
        return [.close, .finished(outcome)]
    }

    /// A complete reply arrived.
    public mutating func replyReceived(_ reply: SMTPReply) -> [SMTPClientAction] {
        if reply.code == 421, !isFinished, !isIdle {
            noteResumeFailure()
            let outcome = deferRemaining(.reply(reply))
            state = .done
            return [.close, .finished(outcome)]
        }
        switch state {
        case .idle, .done, .tlsHandshake:
            return []
        case .quitting, .ready:
            state = .done
            return [.close]
        case .resetting:
            guard reply.isPositive else {
                failedToResume = true
                return finish(deferRemaining(.reply(reply)))
            }
            return beginTransaction()
        case .greeting:
            guard reply.code == 220 else { return finish(deferRemaining(.reply(reply))) }
            state = .ehlo
            return [.send(SMTPCommand.ehlo(configuration.heloName).rendered)]
        case .ehlo:
            guard reply.isPositive else {
                state = .helo
                return [.send(SMTPCommand.helo(configuration.heloName).rendered)]
            }
            extensions = Self.extensions(of: reply)
            return afterGreeting()
        case .helo:
            guard reply.isPositive else { return finish(deferRemaining(.reply(reply))) }
            extensions = Extensions()
            return afterGreeting()
        case .startTLS:
            if reply.code == 220 {
                state = .tlsHandshake
                return [.startTLS]
            }
            guard configuration.tls != .required else { return finish(deferRemaining(.reply(reply))) }
            return beginTransaction()
        case .envelope(var awaiting, let unsent, var mailReply):
            guard !awaiting.isEmpty else { return [] }
            switch awaiting.removeFirst() {
            case .mail: mailReply = reply
            case .rcpt(let index):
                rcptReplies[index] = reply
                if let mailReply, mailReply.isPositive, !reply.isPositive { statuses[index] = .failure(reply) }
            }
            return envelopeProgress(awaiting: awaiting, unsent: unsent, mailReply: mailReply)
        case .dataCommand:
            guard reply.code == 354 else { return finish(settleAccepted(.failure(reply))) }
            state = .dataBody
            return [.send(SMTPBody.dotStuffed(message))]
        case .dataBody:
            let status: SMTPDeliveryStatus = reply.isPositive ? .delivered(reply) : .failure(reply)
            return finish(settleAccepted(status))
        }
    }

    // MARK: - Steps

    private var isIdle: Bool {
        if case .idle = state { return true }
        return false
    }

    private var stage: String {
        switch state {
        case .idle, .greeting: return "before the greeting"
        case .ehlo, .helo: return "after EHLO/HELO"
        case .startTLS, .tlsHandshake: return "during STARTTLS"
        case .resetting: return "resuming a kept connection (RSET)"
        case .envelope: return "during MAIL/RCPT"
        case .dataCommand: return "after DATA"
        case .dataBody: return "after the message was sent, before the reply (it may have been delivered)"
        case .ready: return "between transactions"
        case .quitting, .done: return "after QUIT"
        }
    }

    private mutating func afterGreeting() -> [SMTPClientAction] {
        if !tlsActive {
            if extensions.startTLS && configuration.tls != .never {
                state = .startTLS
                return [.send(SMTPCommand.startTLS.rendered)]
            }
            if configuration.tls == .required {
                return finish(deferRemaining(.reason("the server does not offer STARTTLS and TLS is required")))
            }
        }
        return beginTransaction()
    }

    private mutating func beginTransaction() -> [SMTPClientAction] {
        let payloadSize = SMTPBody.normalizingLineEndings(message).count
        if let limit = extensions.size, limit > 0, payloadSize > limit {
            let reply = SMTPReply(
                code: 552, SMTPEnhancedStatusCode(5, 3, 4),
                "message size \(payloadSize) exceeds the next hop's fixed maximum message size \(limit)")
            return finish(settle(all: .bounced(reply)))
        }
        var parameters = SMTPMailParameters()
        if extensions.size != nil { parameters.size = payloadSize }
        if extensions.eightBitMIME && SMTPBody.hasEightBitData(message) { parameters.body = .eightBitMIME }
        let steps = [Step.mail] + recipients.indices.map { Step.rcpt($0) }
        let batch = configuration.usePipelining && extensions.pipelining ? steps : [steps[0]]
        state = .envelope(awaiting: batch, unsent: Array(steps.dropFirst(batch.count)), mailReply: nil)
        return [.send(batch.flatMap { render($0, parameters) })]
    }

    private func render(_ step: Step, _ parameters: SMTPMailParameters) -> [UInt8] {
        switch step {
        case .mail: return SMTPCommand.mail(reversePath, parameters).rendered
        case .rcpt(let index): return SMTPCommand.rcpt(recipients[index]).rendered
        }
    }

    private mutating func envelopeProgress(awaiting: [Step], unsent: [Step], mailReply: SMTPReply?) -> [SMTPClientAction] {
        let mailFailed = mailReply.map { !$0.isPositive } ?? false
        guard awaiting.isEmpty else {
            state = .envelope(awaiting: awaiting, unsent: unsent, mailReply: mailReply)
            return []
        }
        if let next = unsent.first, !mailFailed {
            state = .envelope(awaiting: [next], unsent: Array(unsent.dropFirst()), mailReply: mailReply)
            return [.send(render(next, SMTPMailParameters()))]
        }
        if mailFailed, let mailReply { return finish(settle(all: .failure(mailReply))) }
        let anyAccepted = rcptReplies.contains { $0?.isPositive == true }
        guard anyAccepted else { return finish(outcome(data: nil)) }
        state = .dataCommand
        return [.send(SMTPCommand.data.rendered)]
    }

    /// Sends QUIT and reports the outcome; after a delivered message with `keepOpen`, keeps
    /// the connection for another transaction instead.
    private mutating func finish(_ outcome: SMTPClientOutcome) -> [SMTPClientAction] {
        if keepOpen, case .delivered = outcome.data {
            state = .ready
            return [.finished(outcome)]
        }
        state = .quitting
        return [.send(SMTPCommand.quit.rendered), .finished(outcome)]
    }

    /// A continued session that ends while resetting never offered its message.
    private mutating func noteResumeFailure() {
        switch state {
        case .resetting: failedToResume = true
        case .idle where continuing: failedToResume = true
        default: break
        }
    }

    /// Gives every recipient without a status `status`.
    private mutating func settle(all status: SMTPDeliveryStatus) -> SMTPClientOutcome {
        for index in recipients.indices where statuses[index] == nil { statuses[index] = status }
        return outcome(data: status)
    }

    /// Gives the recipients accepted at RCPT the DATA outcome.
    private mutating func settleAccepted(_ status: SMTPDeliveryStatus) -> SMTPClientOutcome {
        for index in recipients.indices where statuses[index] == nil && rcptReplies[index]?.isPositive == true {
            statuses[index] = status
        }
        return settle(all: status)
    }

    private mutating func deferRemaining(_ deferral: SMTPDeferral) -> SMTPClientOutcome {
        settle(all: .deferred(deferral))
    }

    /// The outcome; `data` nil means DATA was never sent because no recipient was accepted.
    private func outcome(data: SMTPDeliveryStatus?) -> SMTPClientOutcome {
        let results = recipients.indices.map { index in
            SMTPRecipientResult(
                recipient: recipients[index], rcptReply: rcptReplies[index],
                status: statuses[index] ?? .deferred(.reason("not attempted")))
        }
        let summary = data ?? Self.summary(of: results.map(\.status))
        return SMTPClientOutcome(recipients: results, data: summary, tls: tlsActive)
    }

    /// No recipient accepted: deferred if any recipient may succeed later, bounced otherwise.
    private static func summary(of statuses: [SMTPDeliveryStatus]) -> SMTPDeliveryStatus {
        for case .deferred(let deferral) in statuses { return .deferred(deferral) }
        for case .bounced(let reply) in statuses { return .bounced(reply) }
        return .deferred(.reason("no recipients"))
    }

    private static func extensions(of reply: SMTPReply) -> Extensions {
        var found = Extensions()
        for line in reply.lines.dropFirst() {
            let words = line.split(separator: " ")
            guard let keyword = words.first?.uppercased() else { continue }
            switch keyword {
            case "PIPELINING": found.pipelining = true
            case "STARTTLS": found.startTLS = true
            case "8BITMIME": found.eightBitMIME = true
            case "SIZE": found.size = words.count > 1 ? Int(words[1]) ?? 0 : 0
            default: break
            }
        }
        return found
    }
}

/// An SMTP connection kept open after a delivered message: what the next transaction on it
/// needs to know (the configuration, whether TLS is up, the server's EHLO extensions).
public struct SMTPClientConnection: Sendable, Hashable {
    /// The configuration of the session that opened the connection.
    public let configuration: SMTPClientConfiguration
    /// Whether the connection runs over TLS (STARTTLS done).
    public let tls: Bool
    let extensions: SMTPClientSession.Extensions
}
