import Testing
@testable import MXGPSMTP

@Suite("Message body and header helpers")
struct MessageHelperTests {
    static let stuffing: [(String, String)] = [
        ("", ".\r\n"),
        ("a", "a\r\n.\r\n"),
        ("a\r\n", "a\r\n.\r\n"),
        ("a\nb\n", "a\r\nb\r\n.\r\n"),
        ("a\rb", "a\r\nb\r\n.\r\n"),
        (".", "..\r\n.\r\n"),
        (".\n.\n", "..\r\n..\r\n.\r\n"),
        ("x\n.hidden\r\n..two", "x\r\n..hidden\r\n...two\r\n.\r\n"),
        ("mid.dot.", "mid.dot.\r\n.\r\n"),
    ]

    @Test("dot-stuffing with CRLF normalisation", arguments: stuffing)
    func dotStuffing(message: String, wire: String) {
        #expect(SMTPBody.dotStuffed(message.bytes) == wire.bytes)
        #expect(SMTPBody.unstuffed(wire.bytes) == SMTPBody.normalizingLineEndings(message.bytes).withFinalCRLF)
    }

    @Test("unstuffing without a terminator fails")
    func missingTerminator() {
        #expect(SMTPBody.unstuffed("a\r\nb\r\n".bytes) == nil)
        #expect(SMTPBody.unstuff(line: ".".bytes[...]) == nil)
        #expect(SMTPBody.unstuff(line: "..".bytes[...]) == ".".bytes[...])
    }

    @Test("line ending normalisation", arguments: [
        ("a\nb", "a\r\nb"), ("a\r\nb", "a\r\nb"), ("a\r\rb", "a\r\n\r\nb"), ("\n\n", "\r\n\r\n"), ("a\r", "a\r\n"),
    ])
    func normalise(input: String, output: String) {
        #expect(SMTPBody.normalizingLineEndings(input.bytes) == output.bytes)
    }

    static let message = "Message-ID: <m1@a.example>\r\nSubject: Quarterly\r\n report\r\nFrom: a@a.example\r\n\r\nBody\r\nSubject: not a header\r\n"

    @Test("Message-ID and Subject (unfolded), header section only")
    func headers() {
        #expect(MessageHeaders.messageID(in: Self.message.bytes) == "<m1@a.example>")
        #expect(MessageHeaders.subject(in: Self.message.bytes) == "Quarterly report")
        #expect(MessageHeaders.values(of: "subject", in: Self.message.bytes).count == 1)
        #expect(MessageHeaders.subject(in: "From: x\n\nSubject: body".bytes) == nil)
        #expect(MessageHeaders.messageID(in: []) == nil)
    }

    @Test("Received header round trip gives the hop list, first relay first")
    func receivedRoundTrip() {
        var message = Self.message.bytes
        message = Array("Received: from outside.example by mx.foreign.example with ESMTP id 77; Mon, 1 Jan 2024 00:00:00 +0000\r\n".utf8) + message
        let hops: [(String, UInt32, String)] = [("colo1", 64501, "client.a.example"), ("up1", 64600, "colo1"), ("colo2", 64502, "up1")]
        for (index, hop) in hops.enumerated() {
            message = MessageHeaders.prependingReceived(
                to: message, helo: hop.2, clientAddress: "[192.0.2.\(index)]", node: hop.0, operatorNumber: hop.1,
                id: "Q\(index)", tls: index > 0, date: MessageHeaders.rfc5322Date(secondsSince1970: 1_704_207_845))
        }
        #expect(MessageHeaders.hops(in: message) == hops.map { MXGPHop(node: $0.0, operatorNumber: $0.1) })
        #expect(MessageHeaders.values(of: "Received", in: message).count == 4)
        #expect(MessageHeaders.subject(in: message) == "Quarterly report")
        let first = String(decoding: MessageHeaders.receivedField(
            helo: "up1", clientAddress: "[192.0.2.1]", node: "colo2", operatorNumber: 64502, id: "Q1", tls: true,
            date: "Tue, 02 Jan 2024 15:04:05 +0000"), as: UTF8.self)
        #expect(first == "Received: from up1 ([192.0.2.1])\r\n\tby colo2 (mxgp operator 64502) with ESMTPS id Q1;\r\n\tTue, 02 Jan 2024 15:04:05 +0000\r\n")
    }

    @Test("header injection through the HELO name is neutralised")
    func injection() {
        let field = MessageHeaders.receivedField(
            helo: "evil\r\nBcc: victim@x", clientAddress: "[192.0.2.1]", node: "colo1", operatorNumber: 1, id: "Q", date: "d")
        #expect(MessageHeaders.fields(in: field + "\r\nbody".bytes).count == 1)
    }

    @Test("RFC 5322 dates", arguments: [
        (Int64(0), "Thu, 01 Jan 1970 00:00:00 +0000"),
        (Int64(1_704_207_845), "Tue, 02 Jan 2024 15:04:05 +0000"),
        (Int64(951_782_400), "Tue, 29 Feb 2000 00:00:00 +0000"),
        (Int64(-1), "Wed, 31 Dec 1969 23:59:59 +0000"),
    ])
    func dates(seconds: Int64, text: String) {
        #expect(MessageHeaders.rfc5322Date(secondsSince1970: seconds) == text)
    }
}

extension Array where Element == UInt8 {
    var withFinalCRLF: [UInt8] { isEmpty || suffix(2) == [13, 10] ? self : self + [13, 10] }
}
