/// One SMTP connection played out in memory: a client session against a server session, the
/// bytes of each side split into lines and parsed exactly as the network drivers do. The
/// simulation relays mail with it, so its SMTP is the node's SMTP, byte for byte.
///
/// The server's questions (may this recipient be accepted, store this message) are answered
/// at once by the caller's closures. `roundTrips` counts the client's flights (connect and
/// greeting included), for the simulation to turn into virtual time.
public struct SMTPDialogue {
    /// How a dialogue ended.
    public struct Outcome {
        /// The client's outcome (every recipient delivered, bounced or deferred).
        public var outcome: SMTPClientOutcome
        /// Network round trips the dialogue needed.
        public var roundTrips: Int
        /// Bytes the client wrote.
        public var bytesSent: Int
    }

    /// Runs `client` against a fresh server with `configuration`; `recipient` answers RCPT
    /// checks, `store` answers custody (nil refuses with its reply; a queue id accepts).
    public static func run(
        client: SMTPClientSession, server configuration: SMTPServerConfiguration,
        recipient: (SMTPRecipientCheck) -> SMTPRecipientDecision,
        store: (SMTPEnvelope, [UInt8]) -> Result<String, SMTPReplyFailure>
    ) -> Outcome {
        var client = client
        var server = SMTPServerSession(configuration: configuration)
        var toServer: [UInt8] = [], toClient: [UInt8] = []
        var parser = SMTPReplyParser()
        var outcome: SMTPClientOutcome?
        var closed = false, roundTrips = 1, bytesSent = 0, clientWroteSinceReply = false

        func serverDo(_ actions: [SMTPServerAction]) {
            for action in actions {
                switch action {
                case .send(let reply): toClient += reply.rendered
                case .close: closed = true
                case .startTLS: closed = true  // the simulation's clients never ask for TLS
                case .checkRecipient(let check): serverDo(server.recipientDecision(check.id, recipient(check)))
                case .deliver(let envelope, let data, let id):
                    switch store(envelope, data) {
                    case .success(let queueID): serverDo(server.messageStored(id, queueID: queueID))
                    case .failure(let failure): serverDo(server.storeFailed(id, reply: failure.reply))
                    }
                }
            }
        }
        func clientDo(_ actions: [SMTPClientAction]) {
            for action in actions {
                switch action {
                case .send(let bytes):
                    toServer += bytes
                    bytesSent += bytes.count
                    clientWroteSinceReply = true
                case .startTLS, .close: closed = true
                case .finished(let result): outcome = result
                }
            }
        }
        serverDo(server.connected())
        clientDo(client.connected())
        var steps = 0
        while !closed, outcome == nil || !toServer.isEmpty, steps < 100_000 {
            steps += 1
            if let line = takeLine(&toServer) {
                serverDo(server.lineReceived(line))
            } else if let line = takeLine(&toClient) {
                if clientWroteSinceReply { roundTrips += 1; clientWroteSinceReply = false }
                switch parser.consume(line: line) {
                case .success(let reply?): clientDo(client.replyReceived(reply))
                case .success(nil): break
                case .failure(let error): clientDo(client.malformedReply(error))
                }
            } else {
                break
            }
        }
        if outcome == nil { clientDo(client.closed()) }
        return Outcome(outcome: outcome ?? SMTPClientOutcome(recipients: [], data: .deferred(.reason("connection closed")), tls: false),
                      roundTrips: roundTrips, bytesSent: bytesSent)
    }

    static func takeLine(_ buffer: inout [UInt8]) -> [UInt8]? {
        guard let lf = buffer.firstIndex(of: 10) else { return nil }
        var line = Array(buffer[..<lf])
        buffer.removeFirst(lf + 1)
        if line.last == 13 { line.removeLast() }
        return line
    }
}

/// A refused custody: the reply the server gives instead of its 250.
public struct SMTPReplyFailure: Error, Sendable, Hashable {
    public var reply: SMTPReply
    public init(_ reply: SMTPReply) { self.reply = reply }
}
