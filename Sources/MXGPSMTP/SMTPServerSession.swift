/// The server side of one SMTP connection (RFC 5321, with PIPELINING, SIZE, 8BITMIME,
/// ENHANCEDSTATUSCODES and STARTTLS).
///
/// Pure: the driver splits the byte stream into lines (without CRLF), reports them and other
/// events, and performs the returned actions in order. Policy is the driver's: the machine
/// asks with `.checkRecipient` and `.deliver` and waits for the answer. While it waits, further
/// lines are queued (PIPELINING, bounded) and handled in order afterwards, so replies always
/// come out in the order of the commands.
///
/// Custody: the 250 after the final `.` is sent only once the driver reports the message
/// stored (`messageStored`). A message that is too big, has an overlong line, or whose
/// connection drops before the `.` is never delivered.
public struct SMTPServerSession: Sendable {
    /// The configuration the session was created with.
    public let configuration: SMTPServerConfiguration
    private var state: State = .idle
    /// True once TLS was established on this connection.
    public private(set) var tlsActive = false
    private var consecutiveErrors = 0
    private var pipeline: [Input] = []
    private var nextDecision: UInt64 = 1

    private enum Input: Sendable {
        case line([UInt8])
        case tooLong
    }

    private struct Client: Sendable {
        var name: String
        var extended: Bool
    }

    private struct Transaction: Sendable {
        var reversePath: SMTPReversePath
        var parameters: SMTPMailParameters
        var recipients: [SMTPForwardPath] = []
        var refusedRecipients = 0
    }

    private struct DataReceiver: Sendable {
        var body: [UInt8] = []
        var tooBig = false
        var lineTooLong = false
    }

    private enum Pending: Sendable {
        case recipient(SMTPDecisionID, SMTPForwardPath)
        case store(SMTPDecisionID)
    }

    private enum State: Sendable {
        case idle
        case greeting
        case ready(Client)
        case transaction(Client, Transaction)
        case data(Client, Transaction, DataReceiver)
        case awaitingDecision(Client, Transaction, Pending)
        case startingTLS
        case closed
    }

    /// Creates a session waiting for `connected()`.
    public init(configuration: SMTPServerConfiguration) {
        self.configuration = configuration
    }

    /// Where the session is.
    public var phase: SMTPServerPhase {
        switch state {
        case .idle: return .idle
        case .greeting: return .greeting
        case .ready: return .ready
        case .transaction(_, let tx): return tx.recipients.isEmpty ? .mail : .rcpt
        case .data: return .data
        case .awaitingDecision: return .awaitingDecision
        case .startingTLS: return .startingTLS
        case .closed: return .closed
        }
    }

    /// Lines waiting behind a pending decision.
    public var queuedLineCount: Int { pipeline.count }

    // MARK: - Connection events

    /// The client connected: sends the 220 greeting.
    public mutating func connected() -> [SMTPServerAction] {
        guard case .idle = state else { return [] }
        state = .greeting
        return [.send(.greeting(hostname: configuration.hostname))]
    }

    /// One line arrived, without its CRLF (a trailing CR left by an LF splitter is dropped).
    /// In DATA it is a raw (still dot-stuffed) message line.
    public mutating func lineReceived(_ line: ArraySlice<UInt8>) -> [SMTPServerAction] {
        receive(.line(Array(line.last == 13 ? line.dropLast() : line)))
    }

    /// One line arrived, without its CRLF.
    public mutating func lineReceived(_ line: [UInt8]) -> [SMTPServerAction] { lineReceived(line[...]) }

    /// The driver dropped a line longer than its limit (up to and including the next LF).
    public mutating func lineTooLong() -> [SMTPServerAction] { receive(.tooLong) }

    /// The TLS handshake requested by `.startTLS` completed: the session starts over at the
    /// greeting stage (the client must EHLO again, RFC 3207 §4.2), without a new greeting.
    public mutating func tlsEstablished() -> [SMTPServerAction] {
        guard case .startingTLS = state else { return [] }
        tlsActive = true
        state = .greeting
        return []
    }

    /// The connection closed. Whatever was in progress, including a half-received message, is dropped.
    public mutating func closed() -> [SMTPServerAction] {
        state = .closed
        pipeline = []
        return []
    }

    /// The driver's idle timer fired: `421 4.4.2` and close. Nothing half-received is delivered.
    public mutating func timedOut() -> [SMTPServerAction] {
        abort(with: .timeout(hostname: configuration.hostname))
    }

    /// The node is shutting down: `421 4.3.2` and close.
    public mutating func shutdown() -> [SMTPServerAction] {
        abort(with: .shuttingDown(hostname: configuration.hostname))
    }

    // MARK: - Decisions

    /// The driver's answer to `.checkRecipient`; stale ids are ignored.
    public mutating func recipientDecision(_ id: SMTPDecisionID, _ decision: SMTPRecipientDecision) -> [SMTPServerAction] {
        guard case .awaitingDecision(let client, var tx, .recipient(let pending, let recipient)) = state, pending == id
        else { return [] }
        let reply: SMTPReply
        switch decision {
        case .accept:
            if !tx.recipients.contains(recipient) { tx.recipients.append(recipient) }
            reply = .recipientOK
        case .relayDenied:
            tx.refusedRecipients += 1
            reply = .relayDenied(recipient)
        case .reject(let given):
            tx.refusedRecipients += 1
            reply = given.isTransient || given.isPermanent ? given : .relayDenied(recipient)
        }
        state = .transaction(client, tx)
        return [.send(reply)] + drain()
    }

    /// The driver's answer to `.checkRecipient` as a yes/no (no → 550 5.7.1 relay denied).
    public mutating func recipientDecision(_ id: SMTPDecisionID, accepted: Bool) -> [SMTPServerAction] {
        recipientDecision(id, accepted ? .accept : .relayDenied)
    }

    /// The message from `.deliver` is durable: sends `250 2.0.0 Ok: queued as <queueID>`.
    public mutating func messageStored(_ id: SMTPDecisionID, queueID: String) -> [SMTPServerAction] {
        finishStore(id, reply: .queued(as: queueID))
    }

    /// The message from `.deliver` could not be stored: sends `reply` (default 451 4.3.0).
    public mutating func storeFailed(_ id: SMTPDecisionID, reply: SMTPReply = .temporaryFailure) -> [SMTPServerAction] {
        finishStore(id, reply: reply.isTransient || reply.isPermanent ? reply : .temporaryFailure)
    }

    private mutating func finishStore(_ id: SMTPDecisionID, reply: SMTPReply) -> [SMTPServerAction] {
        guard case .awaitingDecision(let client, _, .store(let pending)) = state, pending == id else { return [] }
        state = .ready(client)
        return [.send(reply)] + drain()
    }

    // MARK: - Input

    private mutating func receive(_ input: Input) -> [SMTPServerAction] {
        switch state {
        case .idle, .closed, .startingTLS:
            return []  // after STARTTLS, plaintext lines are discarded (no command injection)
        case .awaitingDecision:
            guard pipeline.count < configuration.maxPipelinedLines else {
                return abort(with: .pipelineOverflow(hostname: configuration.hostname))
            }
            pipeline.append(input)
            return []
        case .data(let client, let tx, let receiver):
            return dataLine(input, client, tx, receiver)
        case .greeting, .ready, .transaction:
            return commandLine(input)
        }
    }

    /// Handles queued lines until the queue is empty or the session waits again.
    private mutating func drain() -> [SMTPServerAction] {
        var actions: [SMTPServerAction] = []
        while !pipeline.isEmpty {
            switch state {
            case .awaitingDecision: return actions
            case .closed, .startingTLS, .idle:
                pipeline = []
                return actions
            case .greeting, .ready, .transaction, .data:
                actions += receive(pipeline.removeFirst())
            }
        }
        return actions
    }

    private mutating func abort(with reply: SMTPReply) -> [SMTPServerAction] {
        switch state {
        case .closed, .idle: return []
        default:
            state = .closed
            pipeline = []
            return [.send(reply), .close]
        }
    }

    private mutating func commandLine(_ input: Input) -> [SMTPServerAction] {
        guard case .line(let line) = input, line.count + 2 <= configuration.maxCommandLineLength else {
            return failure(.lineTooLong)
        }
        switch SMTPCommandParser.parse(line: line, maximumLength: configuration.maxCommandLineLength - 2) {
        case .failure(let error): return failure(error.reply)
        case .success(let command): return handle(command)
        }
    }

    /// A failed command: counts toward the error limit, which ends the session with 421.
    private mutating func failure(_ reply: SMTPReply) -> [SMTPServerAction] {
        consecutiveErrors += 1
        guard consecutiveErrors >= configuration.maxConsecutiveErrors else { return [.send(reply)] }
        state = .closed
        pipeline = []
        return [.send(reply), .send(.tooManyErrors(hostname: configuration.hostname)), .close]
    }

    private mutating func success(_ reply: SMTPReply) -> [SMTPServerAction] {
        consecutiveErrors = 0
        return [.send(reply)]
    }

    // MARK: - Commands

    private mutating func handle(_ command: SMTPCommand) -> [SMTPServerAction] {
        switch command {
        case .quit:
            state = .closed
            pipeline = []
            return [.send(.closing), .close]
        case .noop: return success(.ok)
        case .help: return success(.help)
        case .vrfy: return success(.cannotVerify)
        case .rset:
            switch state {
            case .transaction(let client, _): state = .ready(client)
            default: break
            }
            return success(.ok)
        case .ehlo(let host), .helo(let host):
            let extended: Bool
            if case .ehlo = command { extended = true } else { extended = false }
            state = .ready(Client(name: host.description, extended: extended))
            let reply: SMTPReply = extended
                ? .ehlo(hostname: configuration.hostname, clientName: host.description,
                    maxMessageSize: configuration.maxMessageSize,
                    offerSTARTTLS: configuration.tlsAvailable && !tlsActive)
                : .helo(hostname: configuration.hostname)
            return success(reply)
        case .startTLS: return startTLS()
        case .mail(let path, let parameters): return mail(path, parameters)
        case .rcpt(let path): return rcpt(path)
        case .data: return data()
        }
    }

    private mutating func startTLS() -> [SMTPServerAction] {
        guard configuration.tlsAvailable else { return failure(.notImplemented) }
        guard !tlsActive else { return failure(.badSequence("TLS already active")) }
        switch state {
        case .ready:
            consecutiveErrors = 0
            state = .startingTLS
            pipeline = []
            return [.send(.readyToStartTLS), .startTLS]
        case .greeting: return failure(.badSequence("send EHLO first"))
        default: return failure(.badSequence("STARTTLS not allowed during a mail transaction"))
        }
    }

    private mutating func mail(_ path: SMTPReversePath, _ parameters: SMTPMailParameters) -> [SMTPServerAction] {
        switch state {
        case .greeting: return failure(.badSequence("send HELO/EHLO first"))
        case .transaction: return failure(.badSequence("nested MAIL command"))
        case .ready(let client):
            if configuration.tlsRequired && !tlsActive { return failure(.mustStartTLS) }
            if let size = parameters.size, size > configuration.maxMessageSize { return failure(.messageTooBig) }
            state = .transaction(client, Transaction(reversePath: path, parameters: parameters))
            return success(.senderOK)
        default: return []
        }
    }

    private mutating func rcpt(_ path: SMTPForwardPath) -> [SMTPServerAction] {
        guard case .transaction(let client, let tx) = state else { return failure(.badSequence("need MAIL command")) }
        guard tx.recipients.count < configuration.maxRecipients else { return failure(.tooManyRecipients) }
        consecutiveErrors = 0
        let id = SMTPDecisionID(nextDecision)
        nextDecision += 1
        state = .awaitingDecision(client, tx, .recipient(id, path))
        return [.checkRecipient(SMTPRecipientCheck(
            id: id, recipient: path, reversePath: tx.reversePath, helo: client.name, tls: tlsActive,
            declaredSize: tx.parameters.size))]
    }

    private mutating func data() -> [SMTPServerAction] {
        guard case .transaction(let client, let tx) = state else { return failure(.badSequence("need MAIL command")) }
        guard !tx.recipients.isEmpty else {
            return failure(tx.refusedRecipients > 0 ? .noValidRecipients : .badSequence("need RCPT command"))
        }
        state = .data(client, tx, DataReceiver())
        return success(.startMailInput)
    }

    // MARK: - DATA

    private mutating func dataLine(
        _ input: Input, _ client: Client, _ tx: Transaction, _ receiver: DataReceiver
    ) -> [SMTPServerAction] {
        var receiver = receiver
        guard case .line(let line) = input, line.count + 2 <= configuration.maxDataLineLength else {
            receiver.lineTooLong = true
            receiver.body = []
            state = .data(client, tx, receiver)
            return []
        }
        guard let content = SMTPBody.unstuff(line: line[...]) else {
            return endOfData(client, tx, receiver)
        }
        if !receiver.tooBig && !receiver.lineTooLong {
            if receiver.body.count + content.count + 2 > configuration.maxMessageSize {
                receiver.tooBig = true
                receiver.body = []
            } else {
                receiver.body += content
                receiver.body += [13, 10]
            }
        }
        state = .data(client, tx, receiver)
        return []
    }

    private mutating func endOfData(_ client: Client, _ tx: Transaction, _ receiver: DataReceiver) -> [SMTPServerAction] {
        if receiver.tooBig {
            state = .ready(client)
            return [.send(.messageTooBig)]
        }
        if receiver.lineTooLong {
            state = .ready(client)
            return [.send(.dataLineTooLong)]
        }
        let id = SMTPDecisionID(nextDecision)
        nextDecision += 1
        let envelope = SMTPEnvelope(
            helo: client.name, reversePath: tx.reversePath, recipients: tx.recipients, parameters: tx.parameters,
            tls: tlsActive)
        state = .awaitingDecision(client, tx, .store(id))
        return [.deliver(envelope, receiver.body, id)]
    }
}
