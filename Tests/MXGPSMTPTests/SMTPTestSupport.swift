import MXGPSMTP

extension String {
    var bytes: [UInt8] { Array(utf8) }
}

/// Splits CRLF-terminated bytes into lines without CRLF.
func lines(of bytes: [UInt8]) -> [String] {
    var parts = bytes.split(separator: 10, omittingEmptySubsequences: false).map { line -> String in
        String(decoding: line.last == 13 ? line.dropLast() : line, as: UTF8.self)
    }
    if parts.last == "" { parts.removeLast() }
    return parts
}

/// A test driver for `SMTPServerSession`: performs the actions, answers decisions
/// automatically (unless `manualDecisions`), and records what happened.
struct ServerDriver {
    var session: SMTPServerSession
    var replies: [SMTPReply] = []
    var delivered: [(envelope: SMTPEnvelope, data: [UInt8])] = []
    var checks: [SMTPRecipientCheck] = []
    var pendingStores: [SMTPDecisionID] = []
    var isClosed = false
    var tlsStarted = false
    var manualDecisions = false
    var decide: @Sendable (SMTPForwardPath) -> SMTPRecipientDecision = { path in
        path.mailbox?.localPart == "nobody" ? .relayDenied : .accept
    }
    var storeFailure: SMTPReply?
    var queueCounter = 0

    init(_ configuration: SMTPServerConfiguration = SMTPServerConfiguration(hostname: "colo1"), connect: Bool = true) {
        session = SMTPServerSession(configuration: configuration)
        if connect { run(session.connected()) }
    }

    var codes: [Int] { replies.map(\.code) }

    mutating func run(_ actions: [SMTPServerAction]) {
        for action in actions {
            switch action {
            case .send(let reply): replies.append(reply)
            case .close: isClosed = true
            case .startTLS: tlsStarted = true
            case .checkRecipient(let check):
                checks.append(check)
                if !manualDecisions { run(session.recipientDecision(check.id, decide(check.recipient))) }
            case .deliver(let envelope, let data, let id):
                delivered.append((envelope, data))
                if manualDecisions {
                    pendingStores.append(id)
                } else if let storeFailure {
                    run(session.storeFailed(id, reply: storeFailure))
                } else {
                    queueCounter += 1
                    run(session.messageStored(id, queueID: "Q\(queueCounter)"))
                }
            }
        }
    }

    /// Sends lines; returns the replies they produced.
    @discardableResult
    mutating func send(_ lines: String...) -> [SMTPReply] { send(lines) }

    @discardableResult
    mutating func send(_ lines: [String]) -> [SMTPReply] {
        let before = replies.count
        for line in lines { run(session.lineReceived(line.bytes)) }
        return Array(replies[before...])
    }

    /// Sends raw byte lines.
    @discardableResult
    mutating func sendRaw(_ line: [UInt8]) -> [SMTPReply] {
        let before = replies.count
        run(session.lineReceived(line))
        return Array(replies[before...])
    }

    /// EHLO, MAIL, RCPTs, DATA, body lines and the dot; returns the replies.
    @discardableResult
    mutating func transaction(from: String = "<alice@a.example>", to: [String] = ["<bob@b.example>"], body: [String] = ["Subject: hi", "", "hello"]) -> [SMTPReply] {
        send(["MAIL FROM:\(from)"] + to.map { "RCPT TO:\($0)" } + ["DATA"] + body + ["."])
    }
}

/// A scripted next hop for `SMTPClientSession` tests.
struct ClientDriver {
    var session: SMTPClientSession
    var sent: [[String]] = []  // one entry per .send, split into lines
    var outcome: SMTPClientOutcome?
    var finishedCount = 0
    var isClosed = false
    var tlsStarted = false

    init(
        from: SMTPReversePath = .mailbox(SMTPMailbox("alice@a.example")!),
        to: [String] = ["bob@b.example", "carol@b.example"],
        message: String = "Subject: hi\r\n\r\nhello\r\n",
        tls: SMTPClientTLSPolicy = .opportunistic, pipelining: Bool = true
    ) {
        let configuration = SMTPClientConfiguration(heloName: SMTPHost("colo1.example")!, tls: tls, usePipelining: pipelining)
        session = SMTPClientSession(
            configuration: configuration, reversePath: from,
            recipients: to.map { .mailbox(SMTPMailbox($0)!) }, message: message.bytes)
        run(session.connected())
    }

    var lastSent: [String] { sent.last ?? [] }

    mutating func run(_ actions: [SMTPClientAction]) {
        for action in actions {
            switch action {
            case .send(let bytes): sent.append(lines(of: bytes))
            case .startTLS: tlsStarted = true
            case .close: isClosed = true
            case .finished(let outcome):
                self.outcome = outcome
                finishedCount += 1
            }
        }
    }

    /// Feeds one reply given as wire text (lines joined by CRLF).
    mutating func reply(_ text: String) {
        guard case .success(let reply) = SMTPReplyParser.parse(text) else { fatalError("bad reply in test: \(text)") }
        run(session.replyReceived(reply))
    }
}

let ehloPipelining = "250-mx.b.example greets colo1.example\r\n250-PIPELINING\r\n250-SIZE 1000000\r\n250-8BITMIME\r\n250 ENHANCEDSTATUSCODES\r\n"
let ehloPlain = "250-mx.b.example greets colo1.example\r\n250 ENHANCEDSTATUSCODES\r\n"
