import Testing
@testable import MXGPSMTP

private let bob = SMTPForwardPath.mailbox(SMTPMailbox("bob@b.example")!)
private let carol = SMTPForwardPath.mailbox(SMTPMailbox("carol@b.example")!)

private func isDelivered(_ status: SMTPDeliveryStatus) -> Bool { if case .delivered = status { return true } else { return false } }
private func isDeferred(_ status: SMTPDeliveryStatus) -> Bool { if case .deferred = status { return true } else { return false } }
private func isBounced(_ status: SMTPDeliveryStatus) -> Bool { if case .bounced = status { return true } else { return false } }

@Suite("SMTP client session")
struct SMTPClientSessionTests {
    @Test("full transaction without pipelining: one command per reply")
    func withoutPipelining() throws {
        var c = ClientDriver()
        #expect(c.sent.isEmpty)
        c.reply("220 mx.b.example ESMTP")
        #expect(c.lastSent == ["EHLO colo1.example"])
        c.reply(ehloPlain)
        #expect(c.lastSent == ["MAIL FROM:<alice@a.example>"])
        c.reply("250 2.1.0 Ok")
        #expect(c.lastSent == ["RCPT TO:<bob@b.example>"])
        c.reply("250 2.1.5 Ok")
        #expect(c.lastSent == ["RCPT TO:<carol@b.example>"])
        c.reply("250 2.1.5 Ok")
        #expect(c.lastSent == ["DATA"])
        c.reply("354 End data with <CR><LF>.<CR><LF>")
        #expect(c.lastSent == ["Subject: hi", "", "hello", "."])
        #expect(c.outcome == nil)
        c.reply("250 2.0.0 Ok: queued as X1")
        #expect(c.lastSent == ["QUIT"])
        let outcome = try #require(c.outcome)
        #expect(outcome.data == .delivered(SMTPReply(code: 250, SMTPEnhancedStatusCode(2, 0, 0), "Ok: queued as X1")))
        #expect(outcome.recipients.map(\.recipient) == [bob, carol])
        #expect(outcome.recipients.allSatisfy { isDelivered($0.status) })
        #expect(!outcome.tls)
        #expect(!c.isClosed)
        c.reply("221 2.0.0 Bye")
        #expect(c.isClosed)
        #expect(c.finishedCount == 1)
    }

    @Test("with PIPELINING: MAIL and RCPTs in one write, DATA after their replies; SIZE sent")
    func withPipelining() throws {
        var c = ClientDriver()
        c.reply("220 mx.b.example ESMTP")
        c.reply(ehloPipelining)
        #expect(c.lastSent == ["MAIL FROM:<alice@a.example> SIZE=22", "RCPT TO:<bob@b.example>", "RCPT TO:<carol@b.example>"])
        c.reply("250 2.1.0 Ok")
        c.reply("250 2.1.5 Ok")
        #expect(c.sent.count == 2, "DATA only after every reply")
        c.reply("250 2.1.5 Ok")
        #expect(c.lastSent == ["DATA"])
        c.reply("354 go")
        c.reply("250 2.0.0 Ok")
        #expect(c.outcome.map { isDelivered($0.data) } == true)
    }

    @Test("pipelining switched off in the configuration")
    func pipeliningOff() {
        var c = ClientDriver(pipelining: false)
        c.reply("220 mx")
        c.reply(ehloPipelining)
        #expect(c.lastSent == ["MAIL FROM:<alice@a.example> SIZE=22"])
    }

    @Test("one recipient refused with 550 while the other is delivered")
    func oneRecipientRefused() throws {
        var c = ClientDriver()
        c.reply("220 mx")
        c.reply(ehloPipelining)
        c.reply("250 2.1.0 Ok")
        c.reply("550 5.1.1 <bob@b.example>: Recipient address rejected")
        c.reply("250 2.1.5 Ok")
        c.reply("354 go")
        c.reply("250 2.0.0 Ok")
        let outcome = try #require(c.outcome)
        #expect(isBounced(outcome.recipients[0].status))
        #expect(outcome.recipients[0].rcptReply?.code == 550)
        #expect(isDelivered(outcome.recipients[1].status))
        #expect(isDelivered(outcome.data))
    }

    @Test("421 mid-way defers every recipient not done and closes")
    func shutdownMidway() throws {
        var c = ClientDriver()
        c.reply("220 mx")
        c.reply(ehloPlain)
        c.reply("250 2.1.0 Ok")
        c.reply("550 5.1.1 no such user")
        c.reply("421 4.3.2 Service shutting down")
        #expect(c.isClosed)
        let outcome = try #require(c.outcome)
        #expect(isBounced(outcome.recipients[0].status), "a recipient already refused keeps its bounce")
        #expect(outcome.recipients[1].status == .deferred(.reply(SMTPReply(code: 421, SMTPEnhancedStatusCode(4, 3, 2), "Service shutting down"))))
        #expect(isDeferred(outcome.data))
        c.reply("250 late")
        #expect(c.finishedCount == 1)
    }

    static let dataOutcomes: [(String, String, String)] = [
        ("250 2.0.0 Ok", "250 2.0.0 Ok: queued", "delivered"),
        ("354 go", "452 4.3.1 Insufficient system storage", "deferred"),
        ("354 go", "451 4.3.0 try later", "deferred"),
        ("354 go", "554 5.6.0 Message rejected", "bounced"),
        ("354 go", "552 5.3.4 Message too big", "bounced"),
        ("554 5.5.1 no valid recipients", "", "bounced"),
        ("451 4.3.0 not now", "", "deferred"),
    ]

    @Test("DATA outcomes", arguments: dataOutcomes)
    func dataOutcome(dataReply: String, finalReply: String, expected: String) throws {
        var c = ClientDriver()
        c.reply("220 mx")
        c.reply(ehloPipelining)
        for _ in 0..<3 { c.reply("250 Ok") }
        if dataReply.hasPrefix("250") {  // a 250 to DATA instead of 354 is a protocol error: deferred
            c.reply(dataReply)
            #expect(c.outcome.map { isDeferred($0.data) } == true)
            return
        }
        c.reply(dataReply)
        if !finalReply.isEmpty { c.reply(finalReply) }
        let outcome = try #require(c.outcome)
        let kind = isDelivered(outcome.data) ? "delivered" : isDeferred(outcome.data) ? "deferred" : "bounced"
        #expect(kind == expected)
        #expect(outcome.recipients.allSatisfy { $0.status == outcome.data })
        #expect(c.lastSent == ["QUIT"])
    }

    @Test("no recipient accepted: no DATA; bounced if all 5xx, deferred if any 4xx")
    func noRecipientAccepted() throws {
        var c = ClientDriver()
        c.reply("220 mx")
        c.reply(ehloPipelining)
        c.reply("250 Ok")
        c.reply("550 5.1.1 no")
        c.reply("550 5.1.1 no")
        #expect(c.lastSent == ["QUIT"])
        #expect(c.outcome.map { isBounced($0.data) } == true)

        var d = ClientDriver()
        d.reply("220 mx")
        d.reply(ehloPipelining)
        d.reply("250 Ok")
        d.reply("550 5.1.1 no")
        d.reply("450 4.2.1 busy")
        #expect(d.outcome.map { isDeferred($0.data) } == true)
    }

    @Test("MAIL refused while pipelined: RCPT replies are read, every recipient gets MAIL's outcome")
    func mailRefused() throws {
        var c = ClientDriver()
        c.reply("220 mx")
        c.reply(ehloPipelining)
        c.reply("451 4.3.0 try later")
        #expect(c.outcome == nil)
        c.reply("503 5.5.1 need MAIL")
        c.reply("503 5.5.1 need MAIL")
        let outcome = try #require(c.outcome)
        #expect(outcome.recipients.allSatisfy { isDeferred($0.status) })
        #expect(c.lastSent == ["QUIT"])
    }

    @Test("STARTTLS when offered: handshake, EHLO again, transaction under TLS")
    func startTLS() throws {
        var c = ClientDriver()
        c.reply("220 mx")
        c.reply("250-mx\r\n250-PIPELINING\r\n250 STARTTLS")
        #expect(c.lastSent == ["STARTTLS"])
        c.reply("220 2.0.0 Ready to start TLS")
        #expect(c.tlsStarted)
        c.run(c.session.tlsEstablished())
        #expect(c.lastSent == ["EHLO colo1.example"])
        c.reply(ehloPipelining)
        for _ in 0..<3 { c.reply("250 Ok") }
        c.reply("354 go")
        c.reply("250 Ok")
        #expect(c.outcome?.tls == true)
    }

    @Test("TLS required but not offered: deferred without MAIL")
    func tlsRequired() throws {
        var c = ClientDriver(tls: .required)
        c.reply("220 mx")
        c.reply(ehloPipelining)
        #expect(c.lastSent == ["QUIT"])
        #expect(c.outcome?.data == .deferred(.reason("the server does not offer STARTTLS and TLS is required")))
        var n = ClientDriver(tls: .never)
        n.reply("220 mx")
        n.reply("250-mx\r\n250 STARTTLS")
        #expect(n.lastSent == ["MAIL FROM:<alice@a.example>"])
    }

    @Test("EHLO refused: falls back to HELO")
    func heloFallback() {
        var c = ClientDriver()
        c.reply("220 mx")
        c.reply("502 5.5.1 command not implemented")
        #expect(c.lastSent == ["HELO colo1.example"])
        c.reply("250 mx")
        #expect(c.lastSent == ["MAIL FROM:<alice@a.example>"])
    }

    @Test("message larger than the server's SIZE bounces before MAIL")
    func sizeTooBig() {
        var c = ClientDriver()
        c.reply("220 mx")
        c.reply("250-mx\r\n250 SIZE 10")
        #expect(c.lastSent == ["QUIT"])
        #expect(c.outcome.map { isBounced($0.data) } == true)
    }

    @Test("greeting refused, connection lost after the body, timeout: all deferred")
    func failures() {
        var g = ClientDriver()
        g.reply("554 5.7.1 no service")
        #expect(g.outcome.map { isDeferred($0.data) } == true)

        var l = ClientDriver()
        l.reply("220 mx")
        l.reply(ehloPipelining)
        for _ in 0..<3 { l.reply("250 Ok") }
        l.reply("354 go")
        l.run(l.session.closed())
        guard case .deferred(.reason(let reason))? = l.outcome?.data else {
            Issue.record("not deferred")
            return
        }
        #expect(reason.contains("may have been delivered"))

        var t = ClientDriver()
        t.reply("220 mx")
        t.run(t.session.timeout())
        #expect(t.isClosed)
        #expect(t.outcome.map { isDeferred($0.data) } == true)
        #expect(t.session.timeout().isEmpty)
    }

    @Test("body is dot-stuffed with CRLF line endings; 8-bit data gets BODY=8BITMIME")
    func bodyEncoding() {
        var c = ClientDriver(to: ["bob@b.example"], message: ".hidden\nline\n..two\ncaf\u{e9}")
        c.reply("220 mx")
        c.reply(ehloPipelining)
        #expect(c.lastSent.first == "MAIL FROM:<alice@a.example> SIZE=27 BODY=8BITMIME")
        c.reply("250 Ok")
        c.reply("250 Ok")
        c.reply("354 go")
        #expect(c.lastSent == ["..hidden", "line", "...two", "caf\u{e9}", "."])
    }
}

@Suite("SMTP client session: kept connections")
struct SMTPClientKeptConnectionTests {
    static let configuration = SMTPClientConfiguration(heloName: SMTPHost("colo1.example")!)

    /// A keepOpen session that delivered, as the pool would hold it.
    static func kept() throws -> SMTPClientConnection {
        var session = SMTPClientSession(configuration: configuration, reversePath: .null, recipients: [bob], message: "Subject: a\r\n\r\nx\r\n".bytes, keepOpen: true)
        _ = session.connected()
        for text in ["220 mx", ehloPipelining, "250 2.1.0 Ok", "250 2.1.5 Ok", "354 go"] {
            guard case .success(let reply) = SMTPReplyParser.parse(text) else { fatalError(text) }
            _ = session.replyReceived(reply)
        }
        guard case .success(let done) = SMTPReplyParser.parse("250 2.0.0 Ok") else { fatalError() }
        let actions = session.replyReceived(done)
        #expect(!actions.contains { if case .send = $0 { return true } else { return false } }, "no QUIT after a delivered message")
        return try #require(session.reusableConnection)
    }

    @Test("keepOpen: no QUIT after a delivered message; the connection is reusable")
    func keepOpenDelivered() throws {
        var session = SMTPClientSession(configuration: Self.configuration, reversePath: .null, recipients: [bob], message: "x\r\n".bytes, keepOpen: true)
        _ = session.connected()
        var sent: [[String]] = []
        var outcome: SMTPClientOutcome?
        for text in ["220 mx", ehloPipelining, "250 2.1.0 Ok", "250 2.1.5 Ok", "354 go", "250 2.0.0 Ok"] {
            guard case .success(let reply) = SMTPReplyParser.parse(text) else { fatalError(text) }
            for action in session.replyReceived(reply) {
                if case .send(let bytes) = action { sent.append(lines(of: bytes)) }
                if case .finished(let result) = action { outcome = result }
            }
        }
        #expect(outcome.map { isDelivered($0.data) } == true)
        #expect(sent.last == ["x", "."], "the body was the last thing sent: no QUIT")
        #expect(session.reusableConnection != nil)
        #expect(session.quit().count == 1)
        #expect(session.reusableConnection == nil)
    }

    @Test("keepOpen: a refused message still ends with QUIT, never back to reuse")
    func keepOpenRefused() {
        var session = SMTPClientSession(configuration: Self.configuration, reversePath: .null, recipients: [bob], message: "x\r\n".bytes, keepOpen: true)
        _ = session.connected()
        var last: [SMTPClientAction] = []
        for text in ["220 mx", ehloPipelining, "250 2.1.0 Ok", "250 2.1.5 Ok", "354 go", "451 4.3.0 try later"] {
            guard case .success(let reply) = SMTPReplyParser.parse(text) else { fatalError(text) }
            last = session.replyReceived(reply)
        }
        #expect(last.contains { if case .send(let bytes) = $0 { return lines(of: bytes) == ["QUIT"] } else { return false } })
        #expect(session.reusableConnection == nil)
    }

    @Test("a continued session starts with RSET, then MAIL with the kept extensions")
    func continuedStartsWithRSET() throws {
        var session = SMTPClientSession(continuing: try Self.kept(), reversePath: .null, recipients: [carol], message: "y\r\n".bytes)
        #expect(session.resume().map { if case .send(let b) = $0 { lines(of: b) } else { [] } } == [["RSET"]])
        guard case .success(let ok) = SMTPReplyParser.parse("250 2.0.0 Ok") else { fatalError() }
        let next = session.replyReceived(ok)
        guard case .send(let bytes) = next.first else { Issue.record("\(next)"); return }
        #expect(lines(of: bytes) == ["MAIL FROM:<> SIZE=3", "RCPT TO:<carol@b.example>"], "pipelined, SIZE: the kept EHLO still counts")
        #expect(!session.failedToResume)
    }

    @Test("a stale kept connection (closed, or RSET refused) fails to resume: the message was never offered")
    func staleConnection() throws {
        var closed = SMTPClientSession(continuing: try Self.kept(), reversePath: .null, recipients: [carol], message: "y\r\n".bytes)
        _ = closed.resume()
        let actions = closed.closed()
        #expect(closed.failedToResume)
        #expect(actions.contains { if case .finished(let o) = $0 { return isDeferred(o.data) } else { return false } })

        var refused = SMTPClientSession(continuing: try Self.kept(), reversePath: .null, recipients: [carol], message: "y\r\n".bytes)
        _ = refused.resume()
        guard case .success(let no) = SMTPReplyParser.parse("500 5.5.1 what") else { fatalError() }
        _ = refused.replyReceived(no)
        #expect(refused.failedToResume)
        #expect(refused.reusableConnection == nil)

        var neverResumed = SMTPClientSession(continuing: try Self.kept(), reversePath: .null, recipients: [carol], message: "y\r\n".bytes)
        _ = neverResumed.closed()
        #expect(neverResumed.failedToResume)
    }
}
