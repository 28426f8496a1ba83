import MXGPCore
import Testing
@testable import MXGPSMTP

private func box(_ text: String) -> SMTPMailbox { SMTPMailbox(text)! }

@Suite("SMTP command parsing")
struct SMTPCommandParserTests {
    static let valid: [(String, SMTPCommand)] = [
        ("EHLO colo1.example", .ehlo(SMTPHost("colo1.example")!)),
        ("ehlo Colo1.Example", .ehlo(.domain(DomainName("colo1.example")!))),
        ("HELO [192.0.2.1]", .helo(.addressLiteral("[192.0.2.1]"))),
        ("EHLO [IPv6:2001:db8::1]", .ehlo(.addressLiteral("[IPv6:2001:db8::1]"))),
        ("EHLO localhost  ", .ehlo(SMTPHost("localhost")!)),
        ("MAIL FROM:<alice@a.example>", .mail(.mailbox(box("alice@a.example")), SMTPMailParameters())),
        ("mail from:<Alice.Smith@A.Example>", .mail(.mailbox(SMTPMailbox(localPart: "Alice.Smith", host: SMTPHost("a.example")!)), SMTPMailParameters())),
        ("MAIL FROM: <alice@a.example>", .mail(.mailbox(box("alice@a.example")), SMTPMailParameters())),
        ("MAIL FROM:<>", .mail(.null, SMTPMailParameters())),
        ("MAIL FROM:<> SIZE=1000", .mail(.null, SMTPMailParameters(size: 1000))),
        ("MAIL FROM:<a@b.example> SIZE=42 BODY=8BITMIME", .mail(.mailbox(box("a@b.example")), SMTPMailParameters(size: 42, body: .eightBitMIME))),
        ("MAIL FROM:<a@b.example> body=7bit", .mail(.mailbox(box("a@b.example")), SMTPMailParameters(body: .sevenBit))),
        ("MAIL FROM:<@relay.example:a@b.example>", .mail(.mailbox(box("a@b.example")), SMTPMailParameters())),
        ("MAIL FROM:<\"john doe\"@b.example>", .mail(.mailbox(SMTPMailbox(localPart: "\"john doe\"", host: SMTPHost("b.example")!)), SMTPMailParameters())),
        ("MAIL FROM:<user@[192.0.2.7]>", .mail(.mailbox(SMTPMailbox(localPart: "user", host: .addressLiteral("[192.0.2.7]"))), SMTPMailParameters())),
        ("RCPT TO:<bob@b.example>", .rcpt(.mailbox(box("bob@b.example")))),
        ("RCPT TO: <bob+tag@b.example>", .rcpt(.mailbox(box("bob+tag@b.example")))),
        ("RCPT TO:<postmaster>", .rcpt(.postmaster)),
        ("rcpt to:<PostMaster>", .rcpt(.postmaster)),
        ("RCPT TO:<postmaster@b.example>", .rcpt(.mailbox(box("postmaster@b.example")))),
        ("DATA", .data), ("data", .data), ("RSET", .rset), ("QUIT", .quit), ("STARTTLS", .startTLS),
        ("NOOP", .noop(nil)), ("NOOP hello there", .noop("hello there")),
        ("VRFY bob", .vrfy("bob")), ("HELP", .help(nil)), ("HELP MAIL", .help("MAIL")),
    ]

    @Test("valid lines", arguments: valid)
    func validLines(line: String, expected: SMTPCommand) {
        #expect(SMTPCommandParser.parse(line) == .success(expected))
    }

    static let invalid: [(String, Int, String)] = [
        ("", 500, "5.5.2"),
        ("   ", 500, "5.5.2"),
        ("HELLO", 500, "5.5.2"),
        ("FOO bar", 500, "5.5.2"),
        ("GET / HTTP/1.1", 500, "5.5.2"),
        ("MA1L FROM:<a@b.example>", 500, "5.5.2"),
        ("EHLO colo1\u{0}", 500, "5.5.2"),
        ("EHLO caf\u{e9}.example", 500, "5.5.2"),
        ("\u{1b}[A", 500, "5.5.2"),
        ("EXPN staff", 502, "5.5.1"),
        ("AUTH PLAIN AGVm", 502, "5.5.1"),
        ("BDAT 100 LAST", 502, "5.5.1"),
        ("EHLO", 501, "5.5.4"),
        ("HELO two words", 501, "5.5.4"),
        ("EHLO bad..name", 501, "5.5.4"),
        ("EHLO [300.1.1.1]", 501, "5.5.4"),
        ("MAIL", 501, "5.5.4"),
        ("MAIL TO:<a@b.example>", 501, "5.5.4"),
        ("MAIL FROM:a@b.example", 501, "5.1.7"),
        ("MAIL FROM:<a@b.example", 501, "5.1.7"),
        ("MAIL FROM:<a@>", 501, "5.1.7"),
        ("MAIL FROM:<@b.example>", 501, "5.1.7"),
        ("MAIL FROM:<a..b@b.example>", 501, "5.1.7"),
        ("MAIL FROM:<a@b.example>junk", 501, "5.1.7"),
        ("MAIL FROM:<a@b.example> SIZE=abc", 501, "5.5.4"),
        ("MAIL FROM:<a@b.example> SIZE", 501, "5.5.4"),
        ("MAIL FROM:<a@b.example> SIZE=1 SIZE=2", 501, "5.5.4"),
        ("MAIL FROM:<a@b.example> BODY=BINARYMIME", 501, "5.5.4"),
        ("MAIL FROM:<a@b.example> SMTPUTF8", 555, "5.5.4"),
        ("MAIL FROM:<a@b.example> RET=HDRS", 555, "5.5.4"),
        ("RCPT TO:<bob@b.example> NOTIFY=NEVER", 555, "5.5.4"),
        ("RCPT TO:<>", 501, "5.1.3"),
        ("RCPT TO:bob@b.example", 501, "5.1.3"),
        ("RCPT TO:<bob>", 501, "5.1.3"),
        ("RCPT TO:<bob@b.example.>", 501, "5.1.3"),
        ("RCPT TO:<\(String(repeating: "x", count: 65))@b.example>", 501, "5.1.3"),
        ("RCPT FROM:<bob@b.example>", 501, "5.5.4"),
        ("DATA now", 501, "5.5.4"),
        ("QUIT please", 501, "5.5.4"),
        ("STARTTLS x", 501, "5.5.4"),
        ("VRFY", 501, "5.5.4"),
        ("NOOP " + String(repeating: "x", count: 600), 500, "5.5.2"),
    ]

    @Test("invalid lines get the right reply", arguments: invalid)
    func invalidLines(line: String, code: Int, enhanced: String) throws {
        guard case .failure(let error) = SMTPCommandParser.parse(line) else {
            Issue.record("\(line.debugDescription) parsed")
            return
        }
        #expect(error.code == code, "\(line.debugDescription): \(error)")
        #expect(error.reply.enhancedCode?.description == enhanced, "\(line.debugDescription): \(error)")
    }

    @Test("line length limit is 510 octets without CRLF")
    func lineLength() {
        let at = "NOOP " + String(repeating: "x", count: 505)
        #expect(at.utf8.count == 510)
        #expect(SMTPCommandParser.parse(at) == .success(.noop(String(repeating: "x", count: 505))))
        #expect(SMTPCommandParser.parse(at + "x") == .failure(.lineTooLong))
    }

    @Test("rendered commands parse back")
    func roundTrip() {
        let commands: [SMTPCommand] = Self.valid.map(\.1)
        for command in commands {
            var line = command.rendered
            #expect(line.suffix(2) == [13, 10])
            line.removeLast(2)
            #expect(SMTPCommandParser.parse(line: line) == .success(command), "\(command.wireText)")
        }
    }

    @Test("every byte value alone never crashes and gets a 5xx")
    func singleBytes() {
        for byte in UInt8.min...UInt8.max {
            switch SMTPCommandParser.parse(line: [byte]) {
            case .success(let command): Issue.record("byte \(byte) parsed as \(command)")
            case .failure(let error): #expect(error.code >= 500)
            }
        }
    }
}
