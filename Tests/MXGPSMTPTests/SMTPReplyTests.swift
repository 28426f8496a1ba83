import Testing
@testable import MXGPSMTP

@Suite("SMTP replies")
struct SMTPReplyTests {
    static let rendering: [(SMTPReply, String)] = [
        (.greeting(hostname: "colo1"), "220 colo1 ESMTP mxgp\r\n"),
        (.senderOK, "250 2.1.0 Ok\r\n"),
        (.recipientOK, "250 2.1.5 Ok\r\n"),
        (.startMailInput, "354 End data with <CR><LF>.<CR><LF>\r\n"),
        (.queued(as: "Q42"), "250 2.0.0 Ok: queued as Q42\r\n"),
        (.closing, "221 2.0.0 Bye\r\n"),
        (.cannotVerify, "252 2.1.5 Cannot VRFY user, but will accept message and attempt delivery\r\n"),
        (.syntaxError(), "500 5.5.2 Error: command not recognized\r\n"),
        (.lineTooLong, "500 5.5.2 Error: line too long\r\n"),
        (.notImplemented, "502 5.5.1 Error: command not implemented\r\n"),
        (.badSequence("need MAIL command"), "503 5.5.1 Error: need MAIL command\r\n"),
        (.messageTooBig, "552 5.3.4 Error: message size exceeds fixed maximum message size\r\n"),
        (.relayDenied(.mailbox(SMTPMailbox("x@y.example")!)), "550 5.7.1 <x@y.example>: Relay access denied\r\n"),
        (.shuttingDown(hostname: "colo1"), "421 4.3.2 colo1 Service shutting down, closing transmission channel\r\n"),
        (.temporaryFailure, "451 4.3.0 Error: temporary failure, try again later\r\n"),
        (.tooManyRecipients, "452 4.5.3 Error: too many recipients\r\n"),
        (.mustStartTLS, "530 5.7.0 Must issue a STARTTLS command first\r\n"),
        (SMTPReply(code: 250, "x\r\n250 injected"), "250 x  250 injected\r\n"),
        (SMTPReply(code: 550, SMTPEnhancedStatusCode(5, 1, 1), lines: ["no such user", "try again"]),
         "550-5.1.1 no such user\r\n550 5.1.1 try again\r\n"),
        (.ehlo(hostname: "colo1", clientName: "client.example", maxMessageSize: 1000, offerSTARTTLS: true),
         "250-colo1 greets client.example\r\n250-PIPELINING\r\n250-SIZE 1000\r\n250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n250 STARTTLS\r\n"),
        (.ehlo(hostname: "colo1", clientName: "c", maxMessageSize: 5, offerSTARTTLS: false),
         "250-colo1 greets c\r\n250-PIPELINING\r\n250-SIZE 5\r\n250-8BITMIME\r\n250 ENHANCEDSTATUSCODES\r\n"),
    ]

    @Test("rendering", arguments: rendering)
    func render(reply: SMTPReply, wire: String) {
        #expect(String(decoding: reply.rendered, as: UTF8.self) == wire)
    }

    @Test("rendered replies parse back", arguments: rendering)
    func roundTrip(reply: SMTPReply, wire: String) {
        #expect(SMTPReplyParser.parse(wire) == .success(reply))
    }

    @Test("multi-line EHLO reply parses without enhanced codes")
    func ehloParse() throws {
        let reply = try SMTPReplyParser.parse("250-mx.example Hello\r\n250-PIPELINING\r\n250-SIZE 100\r\n250 STARTTLS\r\n").get()
        #expect(reply.code == 250)
        #expect(reply.enhancedCode == nil)
        #expect(reply.lines == ["mx.example Hello", "PIPELINING", "SIZE 100", "STARTTLS"])
    }

    static let parsed: [(String, Int, String?, [String])] = [
        ("250 2.0.0 Ok: queued as 1234", 250, "2.0.0", ["Ok: queued as 1234"]),
        ("250", 250, nil, [""]),
        ("250 ", 250, nil, [""]),
        ("421 4.7.0 Try again later", 421, "4.7.0", ["Try again later"]),
        ("550 5.1.1 <x@y>: Recipient address rejected", 550, "5.1.1", ["<x@y>: Recipient address rejected"]),
        ("550 4.1.1 class mismatch is text", 550, nil, ["4.1.1 class mismatch is text"]),
        ("354 Go ahead", 354, nil, ["Go ahead"]),
        ("554-5.7.1 line one\r\n554-5.7.1 line two\r\n554 5.7.1 line three", 554, "5.7.1", ["line one", "line two", "line three"]),
        ("250 2.0.0", 250, "2.0.0", [""]),
        // The whole code is removed from the text, also when written with leading zeros.
        ("250 2.01.000 Ok", 250, "2.1.0", ["Ok"]),
        ("550-5.07.1 one\r\n550 5.7.1 two", 550, "5.7.1", ["one", "two"]),
    ]

    @Test("parsing", arguments: parsed)
    func parse(wire: String, code: Int, enhanced: String?, lines: [String]) throws {
        let reply = try SMTPReplyParser.parse(wire).get()
        #expect(reply.code == code)
        #expect(reply.enhancedCode?.description == enhanced)
        #expect(reply.lines == lines)
    }

    static let garbage: [String] = [
        "", "hello", "25", "2500 ok", "250x ok", "650 nope", "199 nope", "2a0 ok", "\u{0}\u{1}\u{2}",
        "250-first\r\n251 other code", "250-unterminated",
    ]

    @Test("garbage is an error", arguments: garbage)
    func garbageFails(wire: String) {
        guard case .failure = SMTPReplyParser.parse(wire) else {
            Issue.record("\(wire.debugDescription) parsed")
            return
        }
    }

    @Test("incremental parser returns nil mid-reply and resets after an error")
    func incremental() {
        var parser = SMTPReplyParser(maximumLineLength: 100, maximumLines: 3)
        #expect(parser.consume(line: "250-a".bytes) == .success(nil))
        #expect(parser.isMidReply)
        #expect(parser.consume(line: "250 b".bytes) == .success(SMTPReply(code: 250, lines: ["a", "b"])))
        #expect(!parser.isMidReply)
        #expect(parser.consume(line: Array(repeating: 50, count: 101)) == .failure(.lineTooLong))
        for _ in 0..<3 { _ = parser.consume(line: "250-x".bytes) }
        #expect(parser.consume(line: "250 x".bytes) == .failure(.tooManyLines))
        #expect(parser.consume(line: "220 ready".bytes) == .success(SMTPReply(code: 220, "ready")))
    }
}
