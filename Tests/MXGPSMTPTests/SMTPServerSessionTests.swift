import Testing
@testable import MXGPSMTP

private func config(
    maxMessageSize: Int = 10_000, maxRecipients: Int = 100, maxErrors: Int = 10, tls: Bool = false, requireTLS: Bool = false,
    maxPipelined: Int = 256
) -> SMTPServerConfiguration {
    SMTPServerConfiguration(
        hostname: "colo1", maxMessageSize: maxMessageSize, maxRecipients: maxRecipients, maxConsecutiveErrors: maxErrors,
        maxPipelinedLines: maxPipelined, tlsAvailable: tls, tlsRequired: requireTLS)
}

@Suite("SMTP server session")
struct SMTPServerSessionTests {
    @Test("a full transaction: greeting, EHLO, MAIL, RCPT, DATA, custody 250, QUIT")
    func fullTransaction() {
        var d = ServerDriver(config())
        #expect(d.replies == [.greeting(hostname: "colo1")])
        #expect(d.session.phase == .greeting)
        let ehlo = d.send("EHLO client.example")
        #expect(ehlo == [.ehlo(hostname: "colo1", clientName: "client.example", maxMessageSize: 10_000, offerSTARTTLS: false)])
        #expect(d.send("MAIL FROM:<alice@a.example> SIZE=20 BODY=8BITMIME") == [.senderOK])
        #expect(d.session.phase == .mail)
        #expect(d.send("RCPT TO:<bob@b.example>") == [.recipientOK])
        #expect(d.checks.map(\.recipient) == [.mailbox(SMTPMailbox("bob@b.example")!)])
        #expect(d.checks.first?.helo == "client.example")
        #expect(d.session.phase == .rcpt)
        #expect(d.send("RCPT TO:<postmaster>") == [.recipientOK])
        #expect(d.send("DATA") == [.startMailInput])
        #expect(d.session.phase == .data)
        d.manualDecisions = true
        #expect(d.send("Subject: hi", "", "hello", "caf\u{e9}").isEmpty)
        #expect(d.send(".").isEmpty, "no 250 before the message is stored")
        #expect(d.session.phase == .awaitingDecision)
        #expect(d.delivered.count == 1)
        let (envelope, data) = d.delivered[0]
        #expect(envelope.reversePath == .mailbox(SMTPMailbox("alice@a.example")!))
        #expect(envelope.recipients == [.mailbox(SMTPMailbox("bob@b.example")!), .postmaster])
        #expect(envelope.parameters == SMTPMailParameters(size: 20, body: .eightBitMIME))
        #expect(envelope.helo == "client.example")
        #expect(data == "Subject: hi\r\n\r\nhello\r\ncaf\u{e9}\r\n".bytes)
        d.run(d.session.messageStored(d.pendingStores[0], queueID: "ABC"))
        #expect(d.replies.last == .queued(as: "ABC"))
        #expect(d.session.phase == .ready)
        #expect(d.send("QUIT") == [.closing])
        #expect(d.isClosed)
        #expect(d.session.phase == .closed)
        #expect(d.send("NOOP").isEmpty)
    }

    @Test("HELO works without extensions")
    func helo() {
        var d = ServerDriver(config())
        #expect(d.send("HELO client.example") == [.helo(hostname: "colo1")])
        d.transaction()
        #expect(d.replies.suffix(4).map(\.code) == [250, 250, 354, 250])
        #expect(d.delivered.count == 1)
    }

    @Test("pipelined commands wait behind decisions and replies come out in order")
    func pipelining() {
        var d = ServerDriver(config())
        d.manualDecisions = true
        d.send("EHLO client.example")
        let batch = d.send(
            "MAIL FROM:<alice@a.example>", "RCPT TO:<bob@b.example>", "RCPT TO:<nobody@b.example>",
            "RCPT TO:<carol@b.example>", "DATA")
        #expect(batch == [.senderOK])
        #expect(d.checks.count == 1)
        #expect(d.session.queuedLineCount == 3)
        d.run(d.session.recipientDecision(d.checks[0].id, accepted: true))
        #expect(d.checks.count == 2)
        #expect(d.session.recipientDecision(d.checks[0].id, accepted: true).isEmpty, "stale decision ignored")
        d.run(d.session.recipientDecision(d.checks[1].id, .relayDenied))
        d.run(d.session.recipientDecision(d.checks[2].id, .accept))
        #expect(d.codes == [220, 250, 250, 250, 550, 250, 354])
        #expect(d.replies[4] == .relayDenied(.mailbox(SMTPMailbox("nobody@b.example")!)))
        // Body, the dot, and a pipelined QUIT behind the store decision.
        d.send("hello", ".", "QUIT")
        #expect(d.codes.count == 7)
        #expect(d.delivered.first?.envelope.recipients.count == 2)
        d.run(d.session.messageStored(d.pendingStores[0], queueID: "Q9"))
        #expect(d.replies.suffix(2) == [.queued(as: "Q9"), .closing])
        #expect(d.isClosed)
    }

    /// (commands to get there, the out-of-sequence command, expected reply)
    static let outOfSequence: [([String], String, SMTPReply)] = [
        ([], "MAIL FROM:<a@a.example>", .badSequence("send HELO/EHLO first")),
        ([], "RCPT TO:<b@b.example>", .badSequence("need MAIL command")),
        ([], "DATA", .badSequence("need MAIL command")),
        ([], "STARTTLS", .badSequence("send EHLO first")),
        (["EHLO c.example"], "RCPT TO:<b@b.example>", .badSequence("need MAIL command")),
        (["EHLO c.example"], "DATA", .badSequence("need MAIL command")),
        (["EHLO c.example", "MAIL FROM:<a@a.example>"], "MAIL FROM:<a@a.example>", .badSequence("nested MAIL command")),
        (["EHLO c.example", "MAIL FROM:<a@a.example>"], "DATA", .badSequence("need RCPT command")),
        (["EHLO c.example", "MAIL FROM:<a@a.example>"], "STARTTLS", .badSequence("STARTTLS not allowed during a mail transaction")),
        (["EHLO c.example", "MAIL FROM:<a@a.example>", "RCPT TO:<b@b.example>"], "MAIL FROM:<a@a.example>", .badSequence("nested MAIL command")),
        (["EHLO c.example", "MAIL FROM:<a@a.example>", "RCPT TO:<nobody@b.example>"], "DATA", .noValidRecipients),
        (["EHLO c.example", "MAIL FROM:<a@a.example>", "RCPT TO:<b@b.example>", "RSET"], "DATA", .badSequence("need MAIL command")),
        (["EHLO c.example", "MAIL FROM:<a@a.example>", "RCPT TO:<b@b.example>", "EHLO c.example"], "RCPT TO:<b@b.example>", .badSequence("need MAIL command")),
    ]

    @Test("out-of-sequence commands get 503 and the session stays usable", arguments: outOfSequence)
    func badSequence(setup: [String], command: String, expected: SMTPReply) {
        var d = ServerDriver(config(tls: true))
        d.send(setup)
        #expect(d.send(command) == [expected])
        #expect(!d.isClosed)
        d.send("RSET", "EHLO c.example")
        d.transaction()
        #expect(d.replies.last?.code == 250)
        #expect(d.delivered.count == 1)
    }

    @Test("too many recipients: 452 4.5.3 without asking the driver")
    func tooManyRecipients() {
        var d = ServerDriver(config(maxRecipients: 2))
        d.send("EHLO c.example", "MAIL FROM:<a@a.example>")
        let replies = d.send("RCPT TO:<b1@b.example>", "RCPT TO:<b2@b.example>", "RCPT TO:<b3@b.example>", "RCPT TO:<b1@b.example>")
        #expect(replies == [.recipientOK, .recipientOK, .tooManyRecipients, .tooManyRecipients])
        #expect(d.checks.count == 2)
        d.send("DATA", "x", ".")
        #expect(d.delivered.first?.envelope.recipients.count == 2)
    }

    @Test("duplicate recipients are accepted once")
    func duplicates() {
        var d = ServerDriver(config())
        d.send("EHLO c.example")
        d.transaction(to: ["<b@b.example>", "<b@B.EXAMPLE>"])
        #expect(d.delivered.first?.envelope.recipients == [.mailbox(SMTPMailbox("b@b.example")!)])
    }

    @Test("SIZE announced too large: 552 at MAIL")
    func sizeAtMail() {
        var d = ServerDriver(config(maxMessageSize: 1000))
        d.send("EHLO c.example")
        #expect(d.send("MAIL FROM:<a@a.example> SIZE=1001") == [.messageTooBig])
        #expect(d.send("MAIL FROM:<a@a.example> SIZE=1000") == [.senderOK])
    }

    @Test("body over the limit: read to the dot, then 552 and nothing delivered")
    func bodyTooBig() {
        var d = ServerDriver(config(maxMessageSize: 100))
        d.send("EHLO c.example")
        let body = Array(repeating: String(repeating: "x", count: 40), count: 5)
        let replies = d.transaction(body: body)
        #expect(replies.map(\.code) == [250, 250, 354, 552])
        #expect(replies.last == .messageTooBig)
        #expect(d.delivered.isEmpty)
        #expect(d.session.phase == .ready)
        // Exactly at the limit is fine (2 lines of 48 + CRLF = 100).
        d.transaction(body: [String(repeating: "y", count: 48), String(repeating: "y", count: 48)])
        #expect(d.delivered.count == 1)
        #expect(d.delivered[0].data.count == 100)
    }

    @Test("dot-stuffing is undone and only a lone dot ends the message")
    func dotStuffing() {
        var d = ServerDriver(config())
        d.send("EHLO c.example")
        d.transaction(body: ["..", "..hidden", ". leading", "a.", " .", ".."])
        #expect(d.delivered.first?.data == ".\r\n.hidden\r\n leading\r\na.\r\n .\r\n.\r\n".bytes)
    }

    @Test("an empty message is delivered as empty")
    func emptyMessage() {
        var d = ServerDriver(config())
        d.send("EHLO c.example")
        d.transaction(body: [])
        #expect(d.delivered.first?.data == [])
    }

    @Test("disconnect mid-DATA delivers nothing")
    func disconnectMidData() {
        var d = ServerDriver(config())
        d.send("EHLO c.example", "MAIL FROM:<a@a.example>", "RCPT TO:<b@b.example>", "DATA", "Subject: half")
        d.run(d.session.closed())
        #expect(d.delivered.isEmpty)
        #expect(d.session.phase == .closed)
        #expect(d.send(".").isEmpty)
        #expect(d.delivered.isEmpty)
    }

    @Test("a DATA that never ends: timeout gives 421 and nothing is delivered")
    func dataTimeout() {
        var d = ServerDriver(config())
        d.send("EHLO c.example", "MAIL FROM:<a@a.example>", "RCPT TO:<b@b.example>", "DATA", "more", "more")
        d.run(d.session.timedOut())
        #expect(d.replies.last == .timeout(hostname: "colo1"))
        #expect(d.isClosed)
        #expect(d.delivered.isEmpty)
    }

    static let garbage: [[UInt8]] = [
        "GET / HTTP/1.1".bytes, "\u{16}\u{3}\u{1}".bytes, [0, 0, 0, 0], [0xff, 0xfe, 0x41], "".bytes,
        "MAIL FROM <x>".bytes, "RCPT".bytes, Array(repeating: 0x80, count: 200), "EHLO ".bytes + [0xc3, 0x28],
    ]

    @Test("garbage gets a 5xx and a transaction still completes afterwards")
    func garbageThenTransaction() {
        var d = ServerDriver(config())
        for line in Self.garbage {
            let replies = d.sendRaw(line)
            #expect(replies.count == 1)
            #expect(replies.first.map { $0.code >= 500 && $0.code < 600 } == true, "\(line)")
        }
        #expect(d.replies.dropFirst().filter { $0.code == 500 }.count >= 6)
        #expect(!d.isClosed)
        d.send("EHLO c.example")
        d.transaction()
        #expect(d.replies.last?.code == 250)
        #expect(d.delivered.count == 1)
    }

    @Test("overlong command line: 500 5.5.2 line too long, from the parser or the driver")
    func overlongLine() {
        var d = ServerDriver(config())
        #expect(d.send("NOOP " + String(repeating: "x", count: 600)) == [.lineTooLong])
        d.run(d.session.lineTooLong())
        #expect(d.replies.last == .lineTooLong)
        #expect(d.send("NOOP") == [.ok])
    }

    @Test("an overlong DATA line spoils the message: 554 5.6.0 after the dot")
    func overlongDataLine() {
        var d = ServerDriver(config())
        d.send("EHLO c.example", "MAIL FROM:<a@a.example>", "RCPT TO:<b@b.example>", "DATA", "ok line")
        d.run(d.session.lineTooLong())
        d.send(String(repeating: "z", count: 1200), "more")
        #expect(d.send(".") == [.dataLineTooLong])
        #expect(d.delivered.isEmpty)
        d.transaction()
        #expect(d.delivered.count == 1)
    }

    @Test("consecutive errors end the session with 421; a good command resets the count")
    func errorLimit() {
        var d = ServerDriver(config(maxErrors: 3))
        d.send("junk", "junk", "NOOP", "junk", "junk")
        #expect(!d.isClosed)
        let last = d.send("junk", "NOOP")
        #expect(last == [.syntaxError(), .tooManyErrors(hostname: "colo1")])
        #expect(d.isClosed)
    }

    @Test("VRFY is refused politely with 252; HELP and NOOP answer")
    func vrfy() {
        var d = ServerDriver(config())
        #expect(d.send("VRFY bob") == [.cannotVerify])
        #expect(d.send("HELP") == [.help])
        #expect(d.send("NOOP x") == [.ok])
        #expect(d.sendRaw("NOOP\r".bytes) == [.ok], "a CR left by an LF splitter is ignored")
    }

    @Test("STARTTLS: offered, 220, plaintext discarded, EHLO again, not offered twice")
    func startTLS() {
        var d = ServerDriver(config(tls: true))
        let ehlo = d.send("EHLO c.example")
        #expect(ehlo.first?.lines.contains("STARTTLS") == true)
        #expect(d.send("STARTTLS", "MAIL FROM:<injected@evil.example>") == [.readyToStartTLS])
        #expect(d.tlsStarted)
        #expect(d.session.phase == .startingTLS)
        d.run(d.session.tlsEstablished())
        #expect(d.session.tlsActive)
        #expect(d.session.phase == .greeting)
        #expect(d.send("MAIL FROM:<a@a.example>") == [.badSequence("send HELO/EHLO first")])
        let again = d.send("EHLO c.example")
        #expect(again.first?.lines.contains("STARTTLS") == false)
        #expect(d.send("STARTTLS") == [.badSequence("TLS already active")])
        d.transaction()
        #expect(d.delivered.first?.envelope.tls == true)
    }

    @Test("STARTTLS pipelined behind a decision drops the lines after it")
    func startTLSPipelined() {
        var d = ServerDriver(config(tls: true))
        d.manualDecisions = true
        d.send("EHLO c.example", "MAIL FROM:<a@a.example>", "RCPT TO:<b@b.example>", "RSET", "STARTTLS", "NOOP")
        d.run(d.session.recipientDecision(d.checks[0].id, accepted: true))
        #expect(d.codes.suffix(3) == [250, 250, 220])
        #expect(d.session.queuedLineCount == 0)
        #expect(d.tlsStarted)
    }

    @Test("STARTTLS when TLS is not available: 502; TLS required: MAIL gets 530")
    func tlsPolicy() {
        var d = ServerDriver(config())
        d.send("EHLO c.example")
        #expect(d.send("STARTTLS") == [.notImplemented])
        var r = ServerDriver(config(tls: true, requireTLS: true))
        r.send("EHLO c.example")
        #expect(r.send("MAIL FROM:<a@a.example>") == [.mustStartTLS])
    }

    @Test("store failure: 451 and the session goes on; custom rejects pass through")
    func storeFailure() {
        var d = ServerDriver(config())
        d.storeFailure = .temporaryFailure
        d.decide = { _ in .reject(SMTPReply(code: 450, SMTPEnhancedStatusCode(4, 2, 1), "mailbox busy")) }
        d.send("EHLO c.example")
        let replies = d.send("MAIL FROM:<a@a.example>", "RCPT TO:<b@b.example>", "DATA", "RSET")
        #expect(replies.map(\.code) == [250, 450, 554, 250])
        d.decide = { _ in .accept }
        #expect(d.transaction().last == .temporaryFailure)
        #expect(d.session.phase == .ready)
    }

    @Test("pipeline overflow closes with 421")
    func pipelineOverflow() {
        var d = ServerDriver(config(maxPipelined: 3))
        d.manualDecisions = true
        d.send("EHLO c.example", "MAIL FROM:<a@a.example>", "RCPT TO:<b@b.example>", "NOOP", "NOOP", "NOOP")
        #expect(!d.isClosed)
        #expect(d.send("NOOP") == [.pipelineOverflow(hostname: "colo1")])
        #expect(d.isClosed)
    }

    @Test("shutdown: 421 4.3.2 and close")
    func shutdown() {
        var d = ServerDriver(config())
        d.run(d.session.shutdown())
        #expect(d.replies.last == .shuttingDown(hostname: "colo1"))
        #expect(d.isClosed)
        #expect(d.session.shutdown().isEmpty)
    }
}
