import Testing
@testable import MXGPSMTP

/// Runs a client session against a server session in memory, byte streams in between.
private struct Wire {
    var server: SMTPServerSession
    var client: SMTPClientSession
    var toServer: [UInt8] = []
    var toClient: [UInt8] = []
    var parser = SMTPReplyParser()
    var stored: [(SMTPEnvelope, [UInt8])] = []
    var outcome: SMTPClientOutcome?
    var serverTLS = false
    var clientTLS = false
    var closed = false

    mutating func serverDo(_ actions: [SMTPServerAction]) {
        for action in actions {
            switch action {
            case .send(let reply): toClient += reply.rendered
            case .close: closed = true
            case .startTLS: serverTLS = true
            case .checkRecipient(let check):
                serverDo(server.recipientDecision(check.id, accepted: check.recipient.mailbox?.localPart != "nobody"))
            case .deliver(let envelope, let data, let id):
                stored.append((envelope, data))
                serverDo(server.messageStored(id, queueID: "Q\(stored.count)"))
            }
        }
    }

    mutating func clientDo(_ actions: [SMTPClientAction]) {
        for action in actions {
            switch action {
            case .send(let bytes): toServer += bytes
            case .startTLS: clientTLS = true
            case .close: closed = true
            case .finished(let outcome): self.outcome = outcome
            }
        }
    }

    static func takeLine(_ buffer: inout [UInt8]) -> [UInt8]? {
        guard let lf = buffer.firstIndex(of: 10) else { return nil }
        var line = Array(buffer[..<lf])
        buffer.removeFirst(lf + 1)
        if line.last == 13 { line.removeLast() }
        return line
    }

    mutating func run() {
        serverDo(server.connected())
        clientDo(client.connected())
        var rounds = 0
        while !closed && rounds < 1000 {
            rounds += 1
            if serverTLS && clientTLS {
                serverTLS = false
                clientTLS = false
                serverDo(server.tlsEstablished())
                clientDo(client.tlsEstablished())
            }
            if let line = Self.takeLine(&toServer) {
                serverDo(server.lineReceived(line))
            } else if let line = Self.takeLine(&toClient) {
                if case .success(let reply?) = parser.consume(line: line) { clientDo(client.replyReceived(reply)) }
            } else {
                break
            }
        }
    }
}

@Suite("SMTP client against server")
struct SMTPClientServerTests {
    @Test("delivery over STARTTLS with pipelining; a refused recipient bounces; body survives byte for byte",
          arguments: [true, false])
    func endToEnd(tls: Bool) throws {
        let message = "Subject: t\r\n\r\n.leading dot\r\n..\r\n.\r\nend\r\n"
        var wire = Wire(
            server: SMTPServerSession(configuration: SMTPServerConfiguration(hostname: "colo2", tlsAvailable: tls)),
            client: SMTPClientSession(
                configuration: SMTPClientConfiguration(heloName: SMTPHost("colo1")!),
                reversePath: .mailbox(SMTPMailbox("alice@a.example")!),
                recipients: ["bob@b.example", "nobody@b.example", "carol@b.example"].map { .mailbox(SMTPMailbox($0)!) },
                message: message.bytes))
        wire.run()
        #expect(wire.closed)
        let outcome = try #require(wire.outcome)
        #expect(outcome.tls == tls)
        if case .delivered = outcome.data {} else { Issue.record("not delivered: \(outcome.data)") }
        #expect(outcome.recipients[1].status == .bounced(.relayDenied(.mailbox(SMTPMailbox("nobody@b.example")!))))
        #expect(wire.stored.count == 1)
        #expect(wire.stored.first?.1 == message.bytes)
        #expect(wire.stored.first?.0.recipients.count == 2)
        #expect(wire.stored.first?.0.tls == tls)
        #expect(wire.stored.first?.0.parameters.size == message.utf8.count)
    }
}
